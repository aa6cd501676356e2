// The agent's conversation list: the conversations of every shop the agent
// serves, those assigned to the agent first, then the most recent, each
// showing the buyer and the product in view (and its shop); read again
// while it is shown, and bumped at once when the open conversation gets a
// turn.

import { api, goLogin, shopPath } from './api.js';
import { h, clock } from './dom.js';
import { humanError } from './errors.js';

// newer puts the agent's own conversations first, then the latest.
const order = (a, b) => (Number(!!b.mine) - Number(!!a.mine)) || String(b.updated_at).localeCompare(String(a.updated_at));
const buyerOf = (c) => c.buyer_name || `会话 ${c.id}`;

const REFRESH_MS = 15000;

export function mountConversations(box, { onPick, shops }) {
  let items = [];
  let current = null; // {shop, id}
  const many = shops.length > 1;
  const shopName = new Map(shops.map((sh) => [sh.id, sh.name]));
  const same = (c, shop, id) => c.shop === shop && c.id === id;
  const list = h('ul', { class: 'conv-list' });
  const count = h('small', { class: 'conv-count' });
  const label = h('span', { class: 'conv-current' });
  const details = h('details', {}, h('summary', {}, h('span', { text: '会话' }), count, label), list);
  box.append(details);

  function render() {
    count.textContent = items.length ? String(items.length) : '';
    const open = current && items.find((c) => same(c, current.shop, current.id));
    const name = open ? buyerOf(open) : current ? current.id : '';
    label.textContent = current ? (many ? `${shopName.get(current.shop) || ''} · ${name}` : name) : '';
    if (!items.length) {
      list.replaceChildren(h('li', { class: 'empty' }, '还没有会话。打开 ', h('a', { href: '/demo', text: '演示页' }), ' 试一试。'));
      return;
    }
    list.replaceChildren(...items.map((c) => h('li', {},
      h('button', {
        type: 'button', class: `conv${current && same(c, current.shop, current.id) ? ' current' : ''}`,
        dataset: { conversation: c.id, shopId: String(c.shop) },
        onclick: () => { details.open = false; onPick(c.shop, c.id); },
      },
      many ? h('span', { class: 'conv-shop', text: shopName.get(c.shop) || '' }) : null,
      h('span', { class: 'conv-id', title: `会话 ${c.id}` },
        h('span', { class: 'conv-buyer', text: buyerOf(c) }),
        c.mine ? h('span', { class: 'mine-tag', text: '我的' }) : c.assignee ? h('small', { class: 'conv-assignee', text: c.assignee }) : null),
      h('time', { text: clock(c.updated_at) }),
      h('span', { class: 'conv-product', text: c.product_title ? `在看:${c.product_title}` : '未选商品' }),
      h('small', { text: `${c.turns} 句` }),
      h('span', { class: 'conv-last', text: c.last_text || '' })))));
  }

  // refresh reloads every shop's list and returns the newest conversation
  // of shop (or of any shop when none is named).
  // The list is busy while it is read (aria-busy) and counts the reads
  // done (data-reads), so that a test can wait for the read an opening
  // starts before it clicks a line the read draws again.
  let reads = 0;
  async function refresh(shop) {
    list.setAttribute('aria-busy', 'true');
    let lists = null;
    try {
      lists = await Promise.all(shops.map(async (sh) => {
        const res = await api('GET', shopPath('/conversations', sh.id));
        return ((res && res.conversations) || []).map((c) => ({ ...c, shop: sh.id }));
      }));
    } catch (err) {
      if (err.status === 401) goLogin();
      list.replaceChildren(h('li', { class: 'error', text: humanError(err, '读取会话列表') }));
    }
    if (lists) {
      items = lists.flat();
      items.sort(order);
      render();
    }
    list.setAttribute('aria-busy', 'false');
    list.dataset.reads = String(++reads);
    if (!lists) return null;
    if (!current && !items.length) details.open = true;
    return items.find((c) => shop == null || c.shop === shop) || null;
  }

  // The list is read while it is shown: at once when it opens, then every
  // REFRESH_MS while it stays open and the page is in view. Closed, it is
  // kept current for the conversation the panel watches (touch). Read every
  // 15 s whether shown or not, a list of a busy shop's 200 latest cost the
  // server about a millisecond a panel, more than a turn (docs/figures.md).
  const shown = () => details.open && !document.hidden;
  details.addEventListener('toggle', () => { if (shown()) refresh(); });
  document.addEventListener('visibilitychange', () => { if (shown()) refresh(); });
  setInterval(() => { if (shown()) refresh(); }, REFRESH_MS);

  return {
    refresh,
    select(shop, id) {
      current = id ? { shop, id } : null;
      render();
    },
    // touch moves the conversation a push came for to the top without a fetch.
    touch(shop, id, msg) {
      let c = items.find((x) => same(x, shop, id));
      if (!c) {
        c = { shop, id, turns: 0 };
      } else {
        items = items.filter((x) => x !== c);
      }
      c.turns = Math.max(c.turns || 0, msg.turn + 1);
      c.last_text = msg.text;
      c.updated_at = msg.at;
      items.unshift(c);
      items.sort(order);
      render();
    },
  };
}
