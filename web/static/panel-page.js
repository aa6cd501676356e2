// Entry point of the panel page (/). ?shop=ID&conversation=ID opens that
// conversation of that shop;
// &embed=1 drops the list and log for use inside another page's iframe.

import { mountPanel } from './panel.js';

const query = new URLSearchParams(location.search);
const embed = query.get('embed') === '1';

mountPanel(document.getElementById('panel'), {
  conversation: query.get('conversation'),
  embed,
  onSwitch(shop, id) {
    if (embed) return;
    const url = new URL(location.href);
    if (shop != null) url.searchParams.set('shop', String(shop));
    if (id) url.searchParams.set('conversation', id);
    else url.searchParams.delete('conversation');
    history.replaceState(null, '', url);
  },
});
