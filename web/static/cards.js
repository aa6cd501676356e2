// Renderers for what one turn suggests: nudge cards, the top phrases, rule
// citations and product facts. They only build DOM; the panel decides what a
// click does.

import { h, highlight, mentions, price } from './dom.js';
import { kindLabel, sceneLabel } from './labels.js';

// nudgeID names a nudge in feedback events: nudges carry no id of their own,
// and one turn raises at most one nudge per kind and category.
export const nudgeID = (n) => (n.category ? `${n.kind}:${n.category}` : n.kind);

function citation(rule) {
  if (!rule) return null;
  const parts = [rule.source, rule.title].filter(Boolean);
  if (!parts.length) return null;
  return h('footer', { class: 'source' }, '依据 ', h('cite', { text: parts.join(' · ') }));
}

// suggestedBlock shows compliant wording with its one-click button.
export function suggestedBlock(text, onUse, label = '建议说法') {
  return h('div', { class: 'suggested' },
    h('div', { class: 'suggested-head' },
      h('span', { text: label }),
      h('button', { type: 'button', class: 'btn small', onclick: () => onUse(text) }, '使用')),
    h('p', { text }));
}

// nudgeCard renders one nudge. When its suggested wording is also one of the
// top phrases (phraseIndex >= 0), the card points at that phrase instead of
// showing the same text twice.
export function nudgeCard(n, { onUse, onDismiss, phraseIndex = -1, onPhrase, folded = false }) {
  const triggers = n.triggers || [];
  const reason = h('p', { class: 'reason' }, highlight(n.reason || '', triggers));
  const loose = mentions(n.reason || '', triggers) ? null
    : h('p', { class: 'triggers' }, '触发词 ', triggers.map((w) => h('mark', { text: w })));
  const card = h('article', { class: `nudge kind-${n.kind}${folded ? ' folded' : ''}`, dataset: { kind: n.kind, category: n.category || '' } },
    h('header', {
      title: folded ? '点击展开' : null,
      onclick: (e) => { if (!e.target.closest('button')) card.classList.remove('folded'); },
    },
      h('span', { class: 'kind', text: kindLabel(n.kind) }),
      n.label ? h('span', { class: 'category', text: n.label }) : null,
      h('button', { type: 'button', class: 'dismiss', title: '忽略此提醒', 'aria-label': '忽略此提醒', onclick: onDismiss }, '×')),
    reason,
    loose,
    n.action ? h('p', { class: 'action' }, h('b', { text: '怎么做 ' }), n.action) : null,
    // A nudge the statistical layer raised says why: the words that weighed
    // most and the nearest labelled lines.
    (n.why || []).length ? h('details', { class: 'why' }, h('summary', { text: '为什么提醒' }),
      h('ul', {}, n.why.map((w) => h('li', { text: w })))) : null,
    phraseIndex >= 0
      ? h('p', { class: 'see-phrase' }, '建议回复:',
        h('button', { type: 'button', class: 'btn small', onclick: onPhrase }, `使用话术 ${phraseIndex + 1}`))
      : n.suggested ? suggestedBlock(n.suggested, onUse) : null,
    citation(n.rule));
  return card;
}

export function phraseItem(p, index, onUse) {
  return h('li', {},
    h('button', {
      type: 'button', class: 'phrase', title: `按 ${index + 1} 使用(打字时 Alt+${index + 1})`,
      dataset: { phraseId: p.id, scene: p.scene || '' }, onclick: () => onUse(p, index),
    },
    h('span', { class: 'num', text: String(index + 1) }),
    h('span', { class: 'body' },
      h('span', { class: 'phrase-title' },
        p.title || '', p.scene ? h('small', { text: sceneLabel(p.scene) }) : null,
        h('span', { class: 'state', 'aria-live': 'polite' })),
      h('span', { class: 'phrase-text', text: p.text }))));
}

export function ruleItem(r, onCopy) {
  return h('details', { class: 'rule', dataset: { ruleId: r.id } },
    h('summary', {},
      h('span', { class: 'rule-title', text: r.title }),
      r.source ? h('span', { class: 'rule-source', text: r.source }) : null),
    h('p', { class: 'rule-text', text: r.text }),
    h('button', { type: 'button', class: 'btn small ghost', onclick: () => onCopy(r) }, '复制引用'));
}

export function productItem(p, open) {
  const meta = [price(p.price), p.ship_time ? `${p.ship_time}内发货` : ''].filter(Boolean).join(' · ');
  return h('details', { class: 'product', open, dataset: { productId: p.id } },
    h('summary', {},
      h('span', { class: 'product-title', text: p.title }),
      p.in_view ? h('span', { class: 'badge', text: '买家在看' }) : null,
      h('span', { class: 'product-meta', text: meta })),
    (p.facts || []).length
      ? h('dl', { class: 'facts' }, p.facts.map((f) => [h('dt', { text: f.name }), h('dd', { text: f.value })]))
      : h('p', { class: 'muted', text: '暂无商品资料' }));
}
