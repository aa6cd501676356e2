// The agent's conversation list: most recent first, refreshed now and then,
// and bumped at once when the open conversation gets a turn.

import { api, goLogin } from './api.js';
import { h, clock } from './dom.js';

const REFRESH_MS = 15000;

export function mountConversations(box, { onPick }) {
  let items = [];
  let current = null;
  const list = h('ul', { class: 'conv-list' });
  const count = h('small', { class: 'conv-count' });
  const label = h('span', { class: 'conv-current' });
  const details = h('details', {}, h('summary', {}, h('span', { text: '会话' }), count, label), list);
  box.append(details);

  function render() {
    count.textContent = items.length ? String(items.length) : '';
    label.textContent = current || '';
    if (!items.length) {
      list.replaceChildren(h('li', { class: 'empty' }, '还没有会话。打开 ', h('a', { href: '/demo', text: '演示页' }), ' 试一试。'));
      return;
    }
    list.replaceChildren(...items.map((c) => h('li', {},
      h('button', {
        type: 'button', class: `conv${c.id === current ? ' current' : ''}`, dataset: { conversation: c.id },
        onclick: () => { details.open = false; onPick(c.id); },
      },
      h('span', { class: 'conv-id', text: c.id }),
      h('time', { text: clock(c.updated_at) }),
      h('span', { class: 'conv-last', text: c.last_text || '' }),
      h('small', { text: `${c.turns} 句` })))));
  }

  async function refresh() {
    try {
      const res = await api('GET', '/api/v1/conversations');
      items = (res && res.conversations) || [];
      items.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    } catch (err) {
      if (err.status === 401) goLogin();
      return null;
    }
    render();
    if (!current && !items.length) details.open = true;
    return items.length ? items[0].id : null;
  }

  setInterval(refresh, REFRESH_MS);

  return {
    refresh,
    select(id) {
      current = id;
      render();
    },
    // touch moves the conversation a push came for to the top without a fetch.
    touch(id, msg) {
      let c = items.find((x) => x.id === id);
      if (!c) {
        c = { id, turns: 0 };
      } else {
        items = items.filter((x) => x !== c);
      }
      c.turns = Math.max(c.turns || 0, msg.turn + 1);
      c.last_text = msg.text;
      c.updated_at = msg.at;
      items.unshift(c);
      render();
    },
  };
}
