// The open conversation's turns, one compact line each, newest at the bottom.
// Clicking a line shows what the panel suggested for that turn.

import { h, clock } from './dom.js';

export function mountTurnLog(onPick) {
  const list = h('ol', { class: 'turn-log' });
  const count = h('small', { class: 'turn-count' });
  const box = h('details', { class: 'turns', open: true },
    h('summary', {}, h('span', { text: '对话记录' }), count), list);

  // render lists entries (sorted by turn) and marks the one shown; follow
  // keeps the newest line in view.
  function render(entries, shown, follow) {
    count.textContent = entries.length ? String(entries.length) : '';
    list.replaceChildren(...entries.map((e) => {
      const kinds = [...new Set(((e.suggestions && e.suggestions.nudges) || []).map((n) => n.kind))];
      return h('li', {
        class: `turn role-${e.role}${e.turn === shown ? ' current' : ''}`,
        dataset: { turn: String(e.turn) },
        onclick: () => onPick(e.turn),
      },
      h('span', { class: 'role', text: e.role === 'buyer' ? '买' : '客' }),
      h('span', { class: 'text', text: e.text }),
      kinds.map((k) => h('i', { class: `dot kind-${k}`, title: k })),
      h('time', { text: clock(e.at) }));
    }));
    if (follow) list.scrollTop = list.scrollHeight;
  }

  return { box, render };
}
