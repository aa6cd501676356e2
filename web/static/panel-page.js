// Entry point of the panel page (/). ?conversation=ID opens that conversation;
// &embed=1 drops the list and log for use inside another page's iframe.

import { mountPanel } from './panel.js';

const query = new URLSearchParams(location.search);
const embed = query.get('embed') === '1';

mountPanel(document.getElementById('panel'), {
  conversation: query.get('conversation'),
  embed,
  onSwitch(id) {
    if (embed) return;
    const url = new URL(location.href);
    if (id) url.searchParams.set('conversation', id);
    else url.searchParams.delete('conversation');
    history.replaceState(null, '', url);
  },
});
