// The managers' review: which suggestions worked, how each agent serves,
// and one conversation with what the panel offered at each turn. Figures
// come from /api/v1/shops/{shop}/review/...; charts are ECharts (embedded,
// window.echarts), tooltips in richText mode because of the page's CSP.

import { api, chooseShop, goLogin, me, setShop, shopPath } from './api.js';
import { h } from './dom.js';
import { kindLabel, roleLabel, sceneLabel } from './labels.js';

const $ = (id) => document.getElementById(id);
const form = $('filters');
const notice = $('notice');
const state = { tab: 'suggestions', period: 'days', signal: 'order_paid', suggestions: null, behind: null };
const charts = {};

const KIND_NAMES = { phrase: '话术', nudge: '提醒', rule: '规则', product: '商品' };
const SIGNALS = {
  order_paid: '付款', order_cancelled: '取消订单', refund_requested: '申请退款', dispute_opened: '平台介入',
  dispute_won: '介入判卖家胜', dispute_lost: '介入判买家胜', review_good: '好评', review_bad: '差评',
};
const FIGURES = {
  '': '全部咨询', unreplied: '未回复', converted: '已转化', promise: '超时效承诺', admission: '举证前认责',
  wording: '广告法用语', discount: '议价直接降价', no_greeting: '无问候', no_closing: '无结束语', low_score: '质检低于80分',
};
const OUTCOMES = {
  order_paid: '付款', order_cancelled: '订单取消', refund_requested: '申请退款', refund_resolved: '退款结束',
  dispute_opened: '平台介入', dispute_resolved: '介入结果', review_left: '评价',
};
const RESULTS = { agreed: '同意', refused: '拒绝', withdrawn: '撤销', seller_won: '判卖家胜', buyer_won: '判买家胜', good: '好评', neutral: '中评', bad: '差评' };

function fail(text) {
  notice.textContent = text;
  notice.hidden = !text;
}

// showPending says how many conversations the figures do not count yet:
// the page brings them up to date for a moment only, and after a burst of
// chats the server's background refresh counts the rest within a minute.
function showPending(n) {
  const p = $('pending');
  p.replaceChildren();
  p.hidden = !(n > 0);
  if (p.hidden) return;
  p.append(`还有 ${n} 个会话的最新记录正在统计,下面的数字暂未包含它们。`,
    h('button', { type: 'button', class: 'btn small', text: '重新读取', onclick: () => refresh() }));
}

const pct = (r) => `${(r * 100).toFixed(1)}%`;
const secs = (s) => (s >= 60 ? `${Math.floor(s / 60)}分${Math.round(s % 60)}秒` : `${s.toFixed(s < 10 ? 1 : 0)}秒`);
const td = (text, cls) => h('td', { class: cls, text: String(text) });

// params is the filter as query parameters, with extra ones added.
function params(extra = {}) {
  const q = new URLSearchParams();
  for (const name of ['from', 'to', 'agent', 'product', 'scene']) {
    const v = form.elements[name].value;
    if (v) q.set(name, v);
  }
  for (const [k, v] of Object.entries(extra)) if (v != null && v !== '') q.set(k, v);
  return q;
}

const reviewPath = (rest, q) => shopPath(`/review${rest}`) + (q && [...q].length ? `?${q}` : '');
function csvLink(a, rest, q) {
  const c = new URLSearchParams(q);
  c.set('format', 'csv');
  a.href = reviewPath(rest, c);
}

// saveURL keeps the tab, the filter and the open conversation in the address.
function saveURL(extra = {}) {
  const q = params({ tab: state.tab, ...extra });
  q.set('shop', String(currentShopId));
  history.replaceState(null, '', `/review?${q}`);
}

function chart(id) {
  if (!charts[id]) charts[id] = window.echarts.init($(id), null, { renderer: 'canvas' });
  return charts[id];
}
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

// --- suggestions ---------------------------------------------------------

async function loadSuggestions() {
  const q = params();
  csvLink($('csv-suggestions'), '/suggestions', q);
  const res = await api('GET', reviewPath('/suggestions', q));
  showPending(res.pending);
  state.suggestions = res;
  drawSuggestions();
}

function drawSuggestions() {
  const res = state.suggestions;
  if (!res) return;
  const points = res[state.period] || [];
  chart('chart-suggestions').setOption({
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 0, data: ['展示', '使用', '手打使用', '使用率'] },
    grid: { left: 50, right: 60, top: 48, bottom: 30 },
    xAxis: { type: 'category', data: points.map((p) => p.period) },
    yAxis: [{ type: 'value', name: '次数' }, { type: 'value', name: '使用率', max: 1, axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } }],
    series: [
      { name: '展示', type: 'bar', data: points.map((p) => p.shown) },
      { name: '使用', type: 'bar', data: points.map((p) => p.used) },
      { name: '手打使用', type: 'bar', data: points.map((p) => p.typed) },
      { name: '使用率', type: 'line', yAxisIndex: 1, data: points.map((p) => Number(p.use_rate.toFixed(3))) },
    ],
  }, true);
  const label = SIGNALS[state.signal];
  $('table-suggestions').tHead.replaceChildren(h('tr', {},
    ['类型', '名称', '场景'].map((t) => h('th', { text: t })),
    ['展示', '使用', '使用率', '手打', '改动', '关闭', `用后${label}`, `未用${label}`].map((t) => h('th', { class: 'num', text: t }))));
  const kinds = $('kinds').value.split(',');
  const rows = res.suggestions.filter((s) => kinds.includes(s.kind)).map((s) => {
    const a = s.after.find((x) => x.signal === state.signal) || { used: 0, used_with: 0, unused: 0, unused_with: 0, used_rate: 0, unused_rate: 0 };
    const few = a.used < 10 || a.unused < 10;
    const cmp = few ? 'noise' : a.used_rate > a.unused_rate ? 'better' : a.used_rate < a.unused_rate ? 'worse' : '';
    const name = s.title || (s.kind === 'nudge' ? kindLabel(s.id.split(':')[0]) : s.id);
    return h('tr', { dataset: { id: s.id, kind: s.kind } },
      td(KIND_NAMES[s.kind] || s.kind),
      h('td', {}, name, h('span', { class: 'sub', text: s.id })),
      td(s.kind === 'nudge' ? kindLabel(s.scene) : sceneLabel(s.scene)),
      td(s.shown, 'num'), td(s.used, 'num'), td(pct(s.use_rate), 'num'), td(s.typed, 'num'), td(s.edited, 'num'), td(s.dismissed, 'num'),
      h('td', { class: `num ${cmp}` }, pct(a.used_rate), h('span', { class: 'sub', text: `${a.used_with}/${a.used} 会话` })),
      h('td', { class: 'num' }, pct(a.unused_rate), h('span', { class: 'sub', text: `${a.unused_with}/${a.unused} 会话` })));
  });
  $('table-suggestions').tBodies[0].replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: '11', class: 'empty', text: '这段时间没有展示给客服的建议' }))]));
}

// --- agents --------------------------------------------------------------

async function loadAgents() {
  const q = params();
  csvLink($('csv-agents'), '/agents', q);
  const res = await api('GET', reviewPath('/agents', q));
  showPending(res.pending);
  const rows = res.agents || [];
  const labels = rows.map((r) => `${r.agent} ${r.week.slice(5)}`);
  chart('chart-agents').setOption({
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 0, data: ['回复率', '咨询转化率', '质检均分', '均响(秒)'] },
    grid: { left: 50, right: 60, top: 48, bottom: 30 },
    xAxis: { type: 'category', data: labels },
    yAxis: [{ type: 'value', name: '比率/分', max: 100 }, { type: 'value', name: '秒' }],
    series: [
      { name: '回复率', type: 'bar', barMaxWidth: 36, data: rows.map((r) => Number((r.reply_rate * 100).toFixed(1))) },
      { name: '咨询转化率', type: 'bar', barMaxWidth: 36, data: rows.map((r) => Number((r.conversion_rate * 100).toFixed(1))) },
      { name: '质检均分', type: 'bar', barMaxWidth: 36, data: rows.map((r) => Number(r.avg_score.toFixed(1))) },
      { name: '均响(秒)', type: 'line', yAxisIndex: 1, data: rows.map((r) => Number(r.avg_response_s.toFixed(1))) },
    ],
  }, true);
  const head = ['客服', '周'];
  const nums = ['咨询', '首响', '均响', '回复率', '咨询转化率', '付款金额', '质检均分', '超时效承诺', '举证前认责', '广告法用语', '议价直接降价', '无问候', '无结束语'];
  $('table-agents').tHead.replaceChildren(h('tr', {}, head.map((t) => h('th', { text: t })), nums.map((t) => h('th', { class: 'num', text: t }))));
  // Each figure opens the conversations behind it.
  const fig = (r, text, figure) => h('td', { class: 'num' }, h('a', {
    class: 'figure', href: '#', dataset: { figure },
    onclick: (e) => { e.preventDefault(); loadBehind(r, figure); },
  }, text));
  const body = rows.map((r) => h('tr', { dataset: { agent: r.agent, week: r.week } },
    td(r.agent), td(r.week),
    fig(r, r.consultations, ''), fig(r, r.responses ? secs(r.first_response_s) : '—', ''), fig(r, r.responses ? secs(r.avg_response_s) : '—', ''),
    fig(r, pct(r.reply_rate), 'unreplied'), fig(r, pct(r.conversion_rate), 'converted'), fig(r, `¥${r.paid_amount}`, 'converted'),
    fig(r, r.checked ? r.avg_score.toFixed(1) : '—', 'low_score'),
    fig(r, r.promise, 'promise'), fig(r, r.admission, 'admission'), fig(r, r.wording, 'wording'), fig(r, r.discount, 'discount'),
    fig(r, r.no_greeting, 'no_greeting'), fig(r, r.no_closing, 'no_closing')));
  $('table-agents').tBodies[0].replaceChildren(...(body.length ? body : [h('tr', {}, h('td', { colspan: '15', class: 'empty', text: '这段时间没有咨询' }))]));
  $('behind').hidden = true;
}

async function loadBehind(row, figure) {
  const q = params({ week: row.week, figure });
  q.set('agent', row.agent);
  csvLink($('csv-behind'), '/conversations', q);
  const res = await api('GET', reviewPath('/conversations', q));
  showPending(res.pending);
  $('behind-title').textContent = `${row.agent} · ${row.week} · ${FIGURES[figure]}(${res.conversations.length} 个会话)`;
  $('table-behind').tHead.replaceChildren(h('tr', {}, ['会话', '日期', '商品', '已回复', '已转化'].map((t) => h('th', { text: t })),
    ['付款', '首响', '均响', '质检分'].map((t) => h('th', { class: 'num', text: t })), h('th', { text: '质检问题' })));
  const rows = res.conversations.map((c) => h('tr', {},
    h('td', {}, h('a', { href: '#', class: 'conv-link', text: c.conversation, onclick: (e) => { e.preventDefault(); openConversation(c.conversation); } })),
    td(c.day), td(c.product || '—'), td(c.replied ? '是' : '否'), td(c.converted ? '是' : '否'),
    td(`¥${c.paid_amount}`, 'num'), td(c.replied ? secs(c.first_response_s) : '—', 'num'), td(c.replied ? secs(c.avg_response_s) : '—', 'num'),
    td(c.checked ? c.score : '—', 'num'),
    h('td', {}, c.problems.map((p) => h('span', { class: 'tag bad', text: p })))));
  $('table-behind').tBodies[0].replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: '10', class: 'empty', text: '没有这样的会话' }))]));
  $('behind').hidden = false;
  $('behind').scrollIntoView({ block: 'nearest' });
}

// --- one conversation -----------------------------------------------------

async function openConversation(id) {
  state.conversation = id;
  showTab('conversation');
  await loadConversation();
}

async function loadConversation() {
  const id = state.conversation;
  saveURL(id ? { id } : {});
  const list = $('conv-turns');
  if (!id) {
    list.replaceChildren(h('li', { class: 'empty', text: '从客服考核的数字点进来,或输入会话编号打开。' }));
    $('conv-outcomes').replaceChildren();
    $('csv-conversation').hidden = true;
    return;
  }
  const path = shopPath(`/review/conversations/${encodeURIComponent(id)}`);
  const res = await api('GET', path);
  $('conv-title').textContent = `会话 ${id}`;
  const zone = { timeZone: res.timezone || 'Asia/Shanghai' };
  $('csv-conversation').href = `${path}?format=csv`;
  $('csv-conversation').hidden = false;
  $('conv-outcomes').replaceChildren(...(res.outcomes.length ? res.outcomes.map((o) => h('li', {},
    h('strong', { text: OUTCOMES[o.kind] || o.kind }), ' ',
    o.amount ? `¥${Number(o.amount).toFixed(2)} ` : '', RESULTS[o.result] || RESULTS[o.rating] || '',
    h('span', { class: 'muted', text: ` ${new Date(o.at).toLocaleString('zh-CN', zone)}` }))) : [h('li', { class: 'muted', text: '没有订单、退款、介入或评价' })]));
  list.replaceChildren(...res.turns.map((t) => {
    const s = t.suggestions || {};
    // One tag per agent and suggestion: a click, a typed use, or a click sent with changes.
    const used = (kind, sid) => {
      const by = new Map();
      for (const u of t.used.filter((x) => x.kind === kind && x.id === sid)) {
        const m = by.get(u.agent) || { agent: u.agent, clicked: false, typed: false, edited: false };
        if (u.typed) m.typed = true; else m.clicked = true;
        m.edited = m.edited || u.edited;
        by.set(u.agent, m);
      }
      return [...by.values()];
    };
    const usedTag = (u) => h('span', { class: 'tag ok', text: `${u.agent}${u.clicked ? '点击' : '手打'}使用${u.edited ? '(发送时有改动)' : ''}` });
    const offered = [];
    for (const n of s.nudges || []) {
      const sid = n.category ? `${n.kind}:${n.category}` : n.kind;
      offered.push(h('div', {}, h('span', { class: 'tag', text: `提醒·${n.label || kindLabel(n.kind)}` }), n.reason || '', used('nudge', sid).map(usedTag)));
    }
    for (const p of (s.phrases || []).slice(0, 4)) {
      offered.push(h('div', {}, h('span', { class: 'tag', text: `话术·${sceneLabel(p.scene)}` }), p.title, used('phrase', p.id).map(usedTag)));
    }
    for (const u of t.dismissed) offered.push(h('div', { class: 'muted', text: `${u.agent} 关闭了 ${KIND_NAMES[u.kind] || u.kind} ${u.id}` }));
    return h('li', { class: `role-${t.role}`, dataset: { turn: String(t.turn) } },
      h('div', { class: 'who' }, h('strong', { text: roleLabel(t.role) }), h('br'), new Date(t.at).toLocaleString('zh-CN', { ...zone, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })),
      h('div', { class: 'said' }, t.text, t.role === 'agent' ? h('span', { class: 'sub muted small', text: ` — ${t.posted_by}` }) : null),
      h('div', { class: 'offered' }, offered.length ? offered : h('span', { class: 'muted', text: '—' }),
        t.shown_to.length ? h('div', { class: 'muted', text: `展示给:${t.shown_to.join('、')}` }) : null));
  }));
}

// --- frame -----------------------------------------------------------------

let currentShopId = null;

function showTab(tab) {
  state.tab = tab;
  for (const b of $('tabs').querySelectorAll('button')) b.classList.toggle('current', b.dataset.tab === tab);
  for (const t of ['suggestions', 'agents', 'conversation']) $(`view-${t}`).hidden = t !== tab;
  form.hidden = tab === 'conversation';
  if (tab === 'conversation') showPending(0); // a conversation is read whole, not from the counts
  Object.values(charts).forEach((c) => c.resize());
}

async function refresh() {
  fail('');
  try {
    if (state.tab === 'suggestions') await loadSuggestions();
    else if (state.tab === 'agents') await loadAgents();
    else await loadConversation();
    if (state.tab !== 'conversation') saveURL();
  } catch (err) {
    if (err.status === 401) return goLogin();
    if (err.status === 403) return fail('只有本店的主管和知识管理员可以查看复盘。');
    fail(`读取失败:${err.message}`);
  }
}

// isoMonday is the Monday of an ISO week such as 2026-W48, as YYYY-MM-DD.
function isoMonday(week) {
  const [y, w] = [Number(week.slice(0, 4)), Number(week.slice(6))];
  const jan4 = new Date(Date.UTC(y, 0, 4));
  const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000 + (w - 1) * 7 * 86400000);
  return monday.toISOString().slice(0, 10);
}
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

async function fillChoices() {
  const [agents, products] = await Promise.all([
    api('GET', reviewPath('/agents', new URLSearchParams())),
    api('GET', shopPath('/products')).catch(() => ({ products: [] })),
  ]);
  const keep = (sel, options) => {
    const v = sel.value;
    sel.replaceChildren(sel.options[0], ...options);
    sel.value = v;
  };
  keep(form.elements.agent, agents.names.map((n) => h('option', { value: n, text: n })));
  const weeks = [...new Set(agents.agents.map((r) => r.week))].sort().reverse();
  keep(form.elements.week, weeks.map((w) => h('option', { value: w, text: `${w}(${isoMonday(w).slice(5)} 起)` })));
  keep(form.elements.product, (products.products || []).map((p) => h('option', { value: p.id, text: p.title || p.id })));
  const scenes = ['greeting', 'product', 'upsell', 'urge_pay', 'shipping', 'after_sale', 'evidence', 'closing'];
  const nudges = ['upsell', 'evidence', 'shipping_promise', 'admission', 'wording'];
  keep(form.elements.scene, [...scenes.map((s) => h('option', { value: s, text: `话术·${sceneLabel(s)}` })),
    ...nudges.map((n) => h('option', { value: n, text: `提醒·${kindLabel(n)}` }))]);
}

function readURL() {
  const q = new URLSearchParams(location.search);
  for (const name of ['from', 'to', 'agent', 'product', 'scene']) if (q.get(name)) form.elements[name].value = q.get(name);
  if (['suggestions', 'agents', 'conversation'].includes(q.get('tab'))) state.tab = q.get('tab');
  state.conversation = q.get('id') || null;
}

async function start() {
  const person = await me();
  if (!person) return goLogin();
  const shop = chooseShop(person);
  if (!shop) return fail('你还不是任何店铺的成员。');
  currentShopId = shop.id;
  $('who').textContent = `${person.name} · ${shop.name}`;
  const sel = $('shop');
  sel.replaceChildren(...person.shops.map((s) => h('option', { value: String(s.id), text: s.name })));
  sel.value = String(shop.id);
  sel.addEventListener('change', () => {
    setShop(Number(sel.value));
    location.assign(`/review?shop=${sel.value}&tab=${state.tab}`);
  });
  $('signal').replaceChildren(...Object.entries(SIGNALS).map(([v, t]) => h('option', { value: v, text: t })));
  $('signal').addEventListener('change', () => { state.signal = $('signal').value; drawSuggestions(); });
  $('kinds').addEventListener('change', () => drawSuggestions());
  $('period').addEventListener('change', () => { state.period = $('period').value; drawSuggestions(); });
  for (const b of $('tabs').querySelectorAll('button')) {
    b.addEventListener('click', () => { showTab(b.dataset.tab); refresh(); });
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
  form.elements.week.addEventListener('change', () => {
    const w = form.elements.week.value;
    if (!w) return;
    form.elements.from.value = isoMonday(w);
    form.elements.to.value = addDays(isoMonday(w), 6);
  });
  for (const name of ['from', 'to']) form.elements[name].addEventListener('change', () => { form.elements.week.value = ''; });
  $('reset').addEventListener('click', () => { form.reset(); refresh(); });
  $('conv-open').addEventListener('submit', (e) => { e.preventDefault(); openConversation(e.target.elements.id.value.trim()).catch((err) => fail(`读取失败:${err.message}`)); });
  readURL();
  showTab(state.tab);
  try {
    await fillChoices();
    readURL(); // the choices exist now: select the ones the address names
  } catch (err) {
    if (err.status === 403) {
      form.hidden = true;
      return fail('只有本店的主管和知识管理员可以查看复盘。');
    }
    if (err.status === 401) return goLogin();
    fail(`读取失败:${err.message}`);
  }
  await refresh();
}

start();
