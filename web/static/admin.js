// The knowledge admin's workspace: the shop's phrases (search, edit with
// checks while typing, preview for any product, history and rollback,
// drafts a second admin approves), its products and rules beside the law
// they cite, and whole files in and out. One shop at a time.

import { api, chooseShop, goLogin, me, setShop, shopPath } from './api.js';
import { h } from './dom.js';
import { sceneLabel, SCENES } from './labels.js';
import { initProducts, showProducts } from './admin-products.js';
import { initRules, showRules } from './admin-rules.js';
import { initFiles, showFiles } from './admin-files.js';
import { debounce, fail, splitList, toast, when } from './admin-common.js';

const $ = (id) => document.getElementById(id);
const notice = $('admin-notice');

// ---------- state ----------

const state = {
  phrases: [], // the list as last loaded
  products: [], // {id, title} for the preview picker
  current: null, // the phrase in the editor, or null for a new one
  drafts: [],
};

// ---------- tabs ----------

const shows = { phrases: showPhrases, products: showProducts, rules: showRules, files: showFiles };

function showTab() {
  const tab = (location.hash || '#phrases').slice(1);
  const name = shows[tab] ? tab : 'phrases';
  for (const m of document.querySelectorAll('main[data-tab]')) m.hidden = m.dataset.tab !== name;
  for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('current', a.dataset.tab === name);
  notice.hidden = true;
  shows[name]().catch(fail);
}

// ---------- the phrase list ----------

const list = $('phrase-list');
const q = $('phrase-q');
const sceneFilter = $('phrase-scene');
const withRetired = $('phrase-retired');

async function loadPhrases() {
  const params = new URLSearchParams();
  if (q.value.trim()) params.set('q', q.value.trim());
  if (sceneFilter.value) params.set('scene', sceneFilter.value);
  if (withRetired.checked) params.set('retired', '1');
  const res = await api('GET', shopPath('/admin/phrases' + (params.size ? '?' + params : '')));
  state.phrases = res.phrases || [];
  state.drafts = res.drafts || [];
  $('require-approval').checked = !!res.require_approval;
  $('phrase-count').textContent = `${state.phrases.length} / ${res.total} 条`;
  renderList();
  renderDrafts();
}

function usageText(u) {
  return `7天 展示${u.shown_7d} 使用${u.used_7d} 忽略${u.dismissed_7d} · 30天 展示${u.shown_30d} 使用${u.used_30d}`;
}

function renderList() {
  const rows = state.phrases.map((p) => {
    const flags = [];
    if (p.retired) flags.push(h('span', { class: 'badge retired', text: '已停用' }));
    if (p.unfillable) flags.push(h('span', { class: 'badge bad', title: '没有商品能填这些占位符,客服看不到这条话术', text: `无法填充 {${p.unfillable.join('}{')}}` }));
    if (p.draft) flags.push(h('span', { class: 'badge draft', text: `草稿 v${p.draft} 待审` }));
    const dead = p.usage.shown_30d === 0;
    return h('li', {},
      h('button', {
        type: 'button', class: 'row' + (state.current && state.current.id === p.id ? ' current' : '') + (p.retired ? ' is-retired' : ''),
        dataset: { phraseId: p.id }, onclick: () => openPhrase(p.id),
      },
      h('span', { class: 'row-top' },
        h('strong', { text: p.title }),
        p.code ? h('code', { class: 'code', text: '/' + p.code }) : null,
        h('span', { class: 'scene', text: p.scene_label || sceneLabel(p.scene) }),
        ...flags),
      h('span', { class: 'row-text', text: p.text }),
      h('span', { class: 'usage' + (dead ? ' dead' : ''), text: usageText(p.usage) })));
  });
  list.replaceChildren(...(rows.length ? rows : [h('li', { class: 'empty', text: '没有符合条件的话术' })]));
  const current = list.querySelector('.row.current');
  if (current) current.scrollIntoView({ block: 'nearest' });
}

function renderDrafts() {
  const box = $('drafts');
  box.hidden = state.drafts.length === 0;
  $('draft-list').replaceChildren(...state.drafts.map((d) => h('li', { class: 'draft', dataset: { phraseId: d.id, version: String(d.n) } },
    h('span', {}, h('strong', { text: d.phrase.title }), ` v${d.n} · ${actionLabel(d.action)} · ${d.author} · ${when(d.at)}`),
    h('span', { class: 'draft-text', text: d.retired ? '(停用)' : d.phrase.text }),
    h('span', { class: 'draft-actions' },
      h('button', { type: 'button', class: 'btn small primary', text: '批准上线', onclick: () => decide(d, 'approve') }),
      h('button', { type: 'button', class: 'btn small', text: '驳回', onclick: () => decide(d, 'reject') })))));
}

async function decide(d, verb) {
  try {
    await api('POST', shopPath(`/admin/phrases/${encodeURIComponent(d.id)}/${verb}`), { version: d.n });
    toast(verb === 'approve' ? '已批准,改动已生效' : '已驳回');
    await loadPhrases();
    if (state.current && state.current.id === d.id) await openPhrase(d.id);
  } catch (err) { fail(err); }
}

const ACTIONS = { create: '新建', edit: '修改', retire: '停用', restore: '恢复', rollback: '回滚', import: '导入' };
const STATUSES = { draft: '待审', live: '已生效', rejected: '已驳回' };
const FIELDS = { scene: '场景', title: '标题', text: '内容', tags: '标签', code: '快捷码', retired: '状态' };
const actionLabel = (a) => ACTIONS[a] || a;

// ---------- the editor ----------

// pending counts the editor's requests in flight (checks, preview,
// history), so a person or a test can tell when it has settled.
let pending = 0;
async function track(work) {
  form.dataset.pending = String(++pending);
  try { return await work; } finally { form.dataset.pending = String(--pending); }
}

const form = $('phrase-form');
const fields = form.elements;

function fillSceneSelects() {
  const opts = Object.entries(SCENES).map(([id, label]) => h('option', { value: id, text: label }));
  fields.scene.replaceChildren(h('option', { value: '', text: '选择场景' }), ...opts);
  sceneFilter.replaceChildren(h('option', { value: '', text: '全部场景' }), ...opts.map((o) => o.cloneNode(true)));
}

function phraseOf(id) { return state.phrases.find((p) => p.id === id); }

async function openPhrase(id) {
  let p = phraseOf(id);
  if (!p) {
    const res = await api('GET', shopPath('/admin/phrases?retired=1'));
    p = (res.phrases || []).find((x) => x.id === id);
  }
  if (!p) return fail(`没有话术 ${id}`);
  state.current = p;
  fillForm(p);
  renderList();
  await track(loadHistory(p.id));
}

function fillForm(p) {
  $('editor-empty').hidden = true;
  form.hidden = false;
  $('save-error').textContent = '';
  $('editor-title').textContent = p ? p.title : '新建话术';
  $('editor-state').textContent = p ? (p.retired ? '已停用' : '在用') : '';
  $('editor-state').className = 'badge' + (p && p.retired ? ' retired' : '');
  $('editor-version').textContent = p && p.version ? `第 ${p.version} 版` : '';
  fields.id.value = p ? p.id : '';
  fields.id.readOnly = !!p;
  fields.scene.value = p ? p.scene : '';
  fields.code.value = p ? p.code || '' : '';
  fields.title.value = p ? p.title : '';
  fields.tags.value = p ? (p.tags || []).join('、') : '';
  fields.text.value = p ? p.text : '';
  $('phrase-retire').hidden = !p || p.retired;
  $('phrase-restore').hidden = !p || !p.retired;
  $('history').hidden = !p;
  showProblems([]);
  $('validate-state').textContent = '';
  check();
  preview();
}

function body() {
  return {
    id: fields.id.value.trim(), scene: fields.scene.value, title: fields.title.value, text: fields.text.value,
    tags: splitList(fields.tags.value), code: fields.code.value.trim(),
  };
}

// showProblems puts each problem under its field, marking the words at fault.
function showProblems(problems) {
  for (const el of form.querySelectorAll('.field-error')) {
    const mine = problems.filter((p) => p.field === el.dataset.for);
    el.replaceChildren(...mine.map((p) => h('span', { class: 'problem', dataset: { kind: p.kind }, text: p.message })));
    const input = fields[el.dataset.for];
    if (input) input.classList.toggle('invalid', mine.length > 0);
  }
}

let checkSeq = 0;
const check = () => track(checkNow());
async function checkNow() {
  const seq = ++checkSeq;
  $('validate-state').textContent = '检查中…';
  try {
    const res = await api('POST', shopPath('/admin/phrases/validate'), body());
    if (seq !== checkSeq) return;
    showProblems(res.problems || []);
    $('validate-state').textContent = res.ok ? '✓ 没有发现问题' : `发现 ${res.problems.length} 处问题`;
    $('validate-state').dataset.ok = res.ok ? 'yes' : 'no';
  } catch (err) {
    if (seq === checkSeq) $('validate-state').textContent = `无法检查:${err.message}`;
  }
}

let previewSeq = 0;
const preview = () => track(previewNow());
async function previewNow() {
  const seq = ++previewSeq;
  const text = fields.text.value;
  const out = $('preview-text');
  const issues = $('preview-issues');
  if (!text.trim()) {
    out.textContent = '';
    issues.replaceChildren();
    return;
  }
  try {
    const res = await api('POST', shopPath('/admin/phrases/preview'), { text, product: $('preview-product').value });
    if (seq !== previewSeq) return;
    out.textContent = res.text;
    out.classList.toggle('unshown', !res.shown);
    const notes = [];
    if (!res.shown) notes.push(h('li', { class: 'problem', text: `这件商品填不了 {${res.missing.join('}{')}},客服看不到这条话术` }));
    for (const is of res.issues || []) notes.push(h('li', { class: 'problem', dataset: { kind: is.kind }, text: is.reason }));
    issues.replaceChildren(...notes);
  } catch (err) {
    if (seq === previewSeq) out.textContent = `无法预览:${err.message}`;
  }
}

const checkSoon = debounce(check, 300);
const previewSoon = debounce(preview, 300);

async function save(e) {
  e.preventDefault();
  $('save-error').textContent = '';
  const b = body();
  const p = state.current;
  try {
    const res = p
      ? await api('PUT', shopPath(`/admin/phrases/${encodeURIComponent(p.id)}`), b)
      : await api('POST', shopPath('/admin/phrases'), b);
    toast(res.status === 'draft' ? `已提交草稿 v${res.n},等待另一位管理员审核` : `已保存第 ${res.n} 版,客服下一轮即可看到`);
    await loadPhrases();
    await openPhrase(res.id);
  } catch (err) {
    if (err.status === 401) return goLogin();
    $('save-error').textContent = err.message;
  }
}

async function act(verb, payload) {
  const p = state.current;
  if (!p) return;
  try {
    const res = await api('POST', shopPath(`/admin/phrases/${encodeURIComponent(p.id)}/${verb}`), payload);
    toast(res.status === 'draft' ? `已提交草稿 v${res.n},等待审核` : `${actionLabel(res.action)}完成(第 ${res.n} 版)`);
    await loadPhrases();
    await openPhrase(p.id);
  } catch (err) { fail(err); }
}

// ---------- history ----------

async function loadHistory(id) {
  const res = await api('GET', shopPath(`/admin/phrases/${encodeURIComponent(id)}/history`));
  const versions = res.versions || [];
  const live = state.current ? state.current.version : 0;
  $('versions').replaceChildren(...versions.map((v) => h('li', { class: 'version', dataset: { n: String(v.n), status: v.status } },
    h('div', { class: 'version-head' },
      h('strong', { text: `v${v.n}` }),
      h('span', { text: actionLabel(v.action) + (v.rollback_to ? ` 到 v${v.rollback_to}` : '') }),
      h('span', { class: 'badge ' + v.status, text: STATUSES[v.status] || v.status }),
      h('span', { class: 'muted small', text: `${v.author || '导入'} · ${when(v.at)}` + (v.approved_by ? ` · ${v.approved_by} 审核` : '') }),
      v.n !== live && v.status !== 'draft'
        ? h('button', { type: 'button', class: 'btn small rollback', text: '回滚到此版本', onclick: () => act('rollback', { version: v.n }) })
        : (v.n === live ? h('span', { class: 'badge live-now', text: '当前' }) : null)),
    diffView(v))));
}

function diffView(v) {
  const changes = (v.changes || []).filter((c) => c.field !== 'text');
  const parts = [];
  if (v.text_diff && v.text_diff.length) {
    parts.push(h('p', { class: 'diff' }, ...v.text_diff.map((d) =>
      d.op === '+' ? h('ins', { text: d.text }) : d.op === '-' ? h('del', { text: d.text }) : d.text)));
  }
  for (const c of changes) {
    const show = (x) => (c.field === 'scene' ? sceneLabel(x) : x) || '(空)';
    parts.push(h('p', { class: 'change small' }, `${FIELDS[c.field] || c.field}:`, h('del', { text: show(c.before) }), ' → ', h('ins', { text: show(c.after) })));
  }
  if (!parts.length) parts.push(h('p', { class: 'muted small', text: '内容无变化' }));
  return h('div', { class: 'version-body' }, ...parts);
}

// ---------- start ----------

async function showPhrases() {
  await loadPhrases();
  if (!state.products.length) {
    const res = await api('GET', shopPath('/products'));
    state.products = res.products || [];
    $('preview-product').replaceChildren(h('option', { value: '', text: '不指定商品' }),
      ...state.products.map((p) => h('option', { value: p.id, text: p.title })));
    if (state.products.length) $('preview-product').value = state.products[0].id;
  }
}

function wire() {
  fillSceneSelects();
  const reload = debounce(() => loadPhrases().catch(fail), 200);
  q.addEventListener('input', reload);
  sceneFilter.addEventListener('change', reload);
  withRetired.addEventListener('change', reload);
  $('phrase-filters').addEventListener('submit', (e) => { e.preventDefault(); reload(); });
  $('phrase-new').addEventListener('click', () => {
    state.current = null;
    renderList();
    fillForm(null);
    fields.title.focus();
  });
  form.addEventListener('input', (e) => {
    checkSoon();
    if (e.target === fields.text) previewSoon();
  });
  form.addEventListener('change', (e) => { if (e.target === fields.scene) checkSoon(); });
  $('preview-product').addEventListener('change', preview);
  form.addEventListener('submit', save);
  $('phrase-retire').addEventListener('click', () => act('retire'));
  $('phrase-restore').addEventListener('click', () => act('restore'));
  $('require-approval').addEventListener('change', async (e) => {
    try {
      await api('PUT', shopPath('/admin/settings'), { require_approval: e.target.checked });
      toast(e.target.checked ? '已开启:改动需另一位管理员批准后生效' : '已关闭审核:改动立即生效');
    } catch (err) { fail(err); }
  });
  window.addEventListener('hashchange', showTab);
}

async function start() {
  const person = await me();
  if (!person) return goLogin();
  const adminShops = (person.shops || []).filter((s) => s.role === 'admin');
  if (!adminShops.length) {
    fail('你不是任何店铺的知识管理员。请联系店主为你开通。');
    return;
  }
  const shop = chooseShop({ ...person, shops: adminShops });
  $('admin-who').textContent = person.name;
  const select = $('shop-select');
  select.replaceChildren(...adminShops.map((s) => h('option', { value: String(s.id), text: s.name })));
  select.value = String(shop.id);
  select.addEventListener('change', () => {
    setShop(select.value);
    location.reload();
  });
  wire();
  initProducts();
  initRules();
  initFiles();
  showTab();
  document.body.dataset.ready = 'yes';
}

start().catch(fail);
