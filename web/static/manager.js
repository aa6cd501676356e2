// What a manager sees at the top of the panel: that it is a read-only view
// (replies are the agents'), and how the shop's suggestions fare.

import { api, shopPath } from './api.js';
import { h } from './dom.js';
import { humanError } from './errors.js';

const TOP = 5;

export async function showManagerNote(box) {
  box.replaceChildren(h('p', {}, h('b', { text: '主管视图' }),
    ':可以查看每个会话和助手给出的建议;回复由客服完成,所以这里没有回复框。'));
  try {
    const res = await api('GET', shopPath('/reports/suggestions'));
    const rows = ((res && res.suggestions) || []).filter((r) => r.shown > 0)
      .sort((a, b) => b.shown - a.shown).slice(0, TOP);
    box.append(rows.length
      ? h('table', { class: 'report' },
        h('tr', {}, h('th', { text: '建议' }), h('th', { text: '展示' }), h('th', { text: '使用' }), h('th', { text: '使用率' })),
        rows.map((r) => h('tr', {}, h('td', { text: r.suggestion_id }), h('td', { text: String(r.shown) }),
          h('td', { text: String(r.used) }), h('td', { text: `${Math.round(r.use_rate * 100)}%` }))))
      : h('p', { class: 'muted', text: '还没有建议被展示过:客服开始接待后,这里会显示各条建议的使用情况。' }));
  } catch (err) {
    box.append(h('p', { class: 'error', text: humanError(err, '读取使用情况') }));
  }
}
