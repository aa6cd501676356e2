// The rules tab: each rule of the shop beside the exact text of the
// statute articles its source cites, editable; and a search of the law
// library, article by article.

import { api, shopPath } from './api.js';
import { h } from './dom.js';
import { fail, splitList, toast } from './admin-common.js';

const $ = (id) => document.getElementById(id);

export async function showRules() {
  const res = await api('GET', shopPath('/admin/rules'));
  $('rule-list').replaceChildren(...(res.rules || []).map(ruleCard));
}

function articleView(a) {
  return h('blockquote', { class: 'article', dataset: { law: a.law, number: String(a.number) } },
    h('cite', { text: `《${a.law}》${a.label}${a.clause || ''}` }),
    ...a.text.split('\n').map((line) => h('p', { text: line })));
}

function ruleCard(r) {
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'rule-form', dataset: { ruleId: r.id } },
    h('label', {}, '标题', h('input', { name: 'title', value: r.title })),
    h('label', {}, '出处', h('input', { name: 'source', value: r.source, placeholder: '如 《消费者权益保护法》第二十五条,或 平台规则、店铺规则' })),
    h('label', {}, '店铺的说明', h('textarea', { name: 'text', rows: '4', text: r.text })),
    h('label', {}, '标签', h('input', { name: 'tags', value: r.tags.join('、') })),
    h('div', { class: 'actions' }, h('button', { class: 'btn primary small', type: 'submit', text: '保存规则' }), error));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = form.elements;
    error.textContent = '';
    try {
      const saved = await api('PUT', shopPath(`/admin/rules/${encodeURIComponent(r.id)}`), {
        title: f.title.value, source: f.source.value, text: f.text.value, tags: splitList(f.tags.value),
      });
      toast('规则已保存');
      card.replaceWith(ruleCard(saved));
    } catch (err) {
      if (err.status === 401) return fail(err);
      error.textContent = err.message;
    }
  });
  const law = r.articles.length
    ? r.articles.map(articleView)
    : [h('p', { class: 'muted small', text: r.source ? `「${r.source}」不是法库里的法条,按名称引用(平台或店铺规则)。` : '未写出处。' })];
  const problems = (r.problems || []).map((p) => h('p', { class: 'error small', text: p }));
  const card = h('li', { class: 'rule-card card', dataset: { ruleId: r.id } },
    h('div', { class: 'rule-own' }, h('h3', { text: r.title }), form),
    h('div', { class: 'rule-law' }, h('h3', { text: '法条原文' }), ...problems, ...law));
  return card;
}

async function searchLaw(e) {
  e.preventDefault();
  try {
    const res = await api('GET', shopPath('/admin/law?q=' + encodeURIComponent($('law-q').value.trim())));
    $('law-laws').textContent = `法库:${(res.laws || []).map((l) => `《${l}》`).join('')}`;
    const hits = res.hits || [];
    $('law-hits').replaceChildren(...(hits.length ? hits.map((a) => h('li', {}, articleView(a), a.chapter ? h('small', { class: 'muted', text: a.chapter }) : null))
      : [h('li', { class: 'empty', text: '没有找到相关法条' })]));
  } catch (err) { fail(err); }
}

export function initRules() {
  $('law-search').addEventListener('submit', searchLaw);
}
