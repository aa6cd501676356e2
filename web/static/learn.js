// The knowledge admin's teaching page: agents' flags to accept or reject,
// the shop's own cue words, and a tester that shows which cues fire and
// which of the shop's lessons changed the answer.

import { api, chooseShop, currentShop, goLogin, me, setShop, shopPath } from './api.js';
import { h } from './dom.js';

const notice = document.getElementById('learn-notice');
const queue = document.getElementById('flag-queue');
const cueBody = document.querySelector('#cue-table tbody');
const cueForm = document.getElementById('add-cue');
const tryForm = document.getElementById('try-form');
const tryResult = document.getElementById('try-result');
let labels = new Map(); // category -> label

function fail(text) {
  notice.textContent = text;
  notice.hidden = false;
}

function handle(err, what) {
  if (err.status === 401) return goLogin();
  fail(`${what}失败:${err.message}`);
}

const label = (c) => labels.get(c) || c;

async function loadCues() {
  const res = await api('GET', shopPath('/admin/cues'));
  labels = new Map((res.categories || []).map((c) => [c.category, c.label]));
  cueForm.elements.category.replaceChildren(...(res.categories || []).map((c) => h('option', { value: c.category, text: `${c.label}(${c.category})` })));
  const rows = (res.cues || []).map((c) => h('tr', { dataset: { word: c.word } },
    h('td', { text: c.word }), h('td', { text: label(c.category) }),
    h('td', { text: c.enabled ? '本店新增' : '本店已关掉' }),
    h('td', {}, h('button', {
      type: 'button', class: 'btn small ghost',
      onclick: async () => {
        try {
          await api('DELETE', shopPath(`/admin/cues?word=${encodeURIComponent(c.word)}&category=${encodeURIComponent(c.category)}`));
          await loadCues();
        } catch (err) { handle(err, '删除'); }
      },
    }, c.enabled ? '删除' : '恢复内置词'))));
  cueBody.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: '4', class: 'empty', text: '本店还没有自己的提示词' }))]));
}

async function decide(f, body) {
  try {
    await api('POST', shopPath(`/admin/flags/${f.id}`), body);
    await Promise.all([loadQueue(), loadCues()]);
  } catch (err) { handle(err, '处理'); }
}

async function loadQueue() {
  const res = await api('GET', shopPath('/admin/flags'));
  const flags = res.flags || [];
  document.getElementById('queue-count').textContent = flags.length ? `${flags.length} 条待处理` : '';
  queue.replaceChildren(...(flags.length ? flags.map((f) => {
    const word = h('input', { class: 'cue-word', maxlength: '16', placeholder: '句中的一个词', 'aria-label': '提示词' });
    return h('li', { class: 'flag-item', dataset: { flagId: String(f.id) } },
      h('div', { class: 'flag-line' },
        h('span', { class: `role-tag role-${f.role}`, text: f.role === 'buyer' ? '买家' : '客服' }),
        h('q', { class: 'flag-text', text: f.text })),
      h('div', { class: 'muted small', text: `${f.flagged_by} 认为:${f.kind === 'missed' ? '应该提醒' : '不该提醒'}「${label(f.category)}」 · 会话 ${f.conversation} 第 ${f.turn + 1} 句` }),
      h('div', { class: 'flag-actions' },
        h('button', { type: 'button', class: 'btn small primary accept-example', onclick: () => decide(f, { decision: 'accept', as: 'example' }) }, '采纳为例句'),
        word,
        h('button', {
          type: 'button', class: 'btn small accept-cue',
          onclick: () => (word.value.trim() ? decide(f, { decision: 'accept', as: 'cue', word: word.value.trim() }) : word.focus()),
        }, '采纳为提示词'),
        h('button', { type: 'button', class: 'btn small ghost reject', onclick: () => decide(f, { decision: 'reject' }) }, '驳回')));
  }) : [h('li', { class: 'empty', text: '没有待处理的标记' })]));
}

cueForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(cueForm);
  try {
    await api('PUT', shopPath('/admin/cues'), {
      word: String(data.get('word')).trim(), category: data.get('category'), enabled: data.get('enabled') === 'true',
    });
    cueForm.elements.word.value = '';
    await loadCues();
  } catch (err) { handle(err, '保存'); }
});

tryForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(tryForm);
  try {
    const res = await api('POST', shopPath('/admin/try'), { role: data.get('role'), text: String(data.get('text')) });
    const nudges = res.nudges || [];
    tryResult.replaceChildren(
      h('h3', { text: nudges.length ? '会出现的提醒' : '不会出现提醒' }),
      h('ul', {}, nudges.map((n) => h('li', { class: 'try-nudge', dataset: { category: `${n.kind}.${n.category || ''}` } },
        h('strong', { text: n.label || n.kind }), ` 触发词:${(n.triggers || []).join('、') || '—'}`,
        n.why && n.why.length ? h('span', { class: 'muted', text: ` · 依据:${n.why.join(';')}` }) : null))),
      (res.lessons || []).length ? h('p', { class: 'muted' }, '本店教过的:',
        res.lessons.map((l) => `${l.effect === 'added' ? '加上' : '去掉'}「${label(l.category)}」(因为 ${l.by})`).join(';')) : null);
  } catch (err) { handle(err, '试'); }
});

me().then(async (u) => {
  if (!u) return goLogin();
  document.getElementById('learn-who').textContent = u.name;
  const admins = { ...u, shops: (u.shops || []).filter((s) => s.role === 'admin') };
  const shop = chooseShop(admins);
  if (!shop) {
    fail('只有知识管理员能教助手。请回到客服面板。');
    return;
  }
  const picker = document.getElementById('shop-picker');
  picker.replaceChildren(...admins.shops.map((s) => h('option', { value: String(s.id), text: s.name })));
  picker.value = String(currentShop());
  picker.addEventListener('change', async () => {
    setShop(Number(picker.value));
    await Promise.all([loadCues(), loadQueue()]);
  });
  try {
    await loadCues();
    await loadQueue();
  } catch (err) { handle(err, '读取'); }
}).catch((err) => fail(`无法连接服务器:${err.message}`));
