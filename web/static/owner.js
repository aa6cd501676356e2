// The owner's page: every shop of the server, a new shop from a bundle, and
// people given a role in a shop.

import { api, goLogin, me, shopPath } from './api.js';
import { h } from './dom.js';
import { memberRoleLabel as roleLabel } from './labels.js';

const notice = document.getElementById('owner-notice');
const table = document.querySelector('#shop-table tbody');
const memberForm = document.getElementById('add-member');
const shopSelect = memberForm.elements.shop;
const problems = document.getElementById('bundle-problems');
const result = document.getElementById('member-result');

function fail(text) {
  notice.textContent = text;
  notice.hidden = false;
}

async function members(shop) {
  try {
    const res = await api('GET', shopPath('/members', shop.id));
    return (res.members || []).map((m) => `${m.name}(${roleLabel(m.role)})`).join('、') || '—';
  } catch (err) {
    return err.status === 403 ? '(你不是该店管理员)' : `读取失败:${err.message}`;
  }
}

async function load() {
  const res = await api('GET', '/api/v1/shops');
  const shops = res.shops || [];
  const rows = await Promise.all(shops.map(async (s) => h('tr', { dataset: { shopId: String(s.id) } },
    h('td', { text: String(s.id) }), h('td', { text: s.name }), h('td', { text: String(s.version) }),
    h('td', { class: 'members', text: await members(s) }))));
  table.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: '4', class: 'empty', text: '还没有店铺' }))]));
  const keep = shopSelect.value;
  shopSelect.replaceChildren(...shops.map((s) => h('option', { value: String(s.id), text: s.name })));
  if (keep) shopSelect.value = keep;
}

document.getElementById('create-shop').addEventListener('submit', async (e) => {
  e.preventDefault();
  problems.hidden = true;
  notice.hidden = true;
  const file = document.getElementById('bundle-file').files[0];
  if (!file) return;
  try {
    const shop = await api('POST', '/api/v1/shops', await file.text(), { raw: true });
    result.textContent = `已新建店铺「${shop.name}」(编号 ${shop.id}),你是它的知识管理员。`;
    result.hidden = false;
    e.target.reset();
    await load();
  } catch (err) {
    if (err.status === 401) return goLogin();
    const list = (err.data && err.data.problems) || [];
    if (!list.length) return fail(`新建失败:${err.message}`);
    fail(err.message);
    problems.replaceChildren(...list.map((p) => h('li', { text: p.replace(/^shop\.json/, file.name) })));
    problems.hidden = false;
  }
});

memberForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  notice.hidden = true;
  const data = new FormData(memberForm);
  const name = String(data.get('name')).trim();
  try {
    const res = await api('PUT', shopPath(`/members/${encodeURIComponent(name)}`, data.get('shop')), { role: data.get('role') });
    result.textContent = res.password
      ? `已创建 ${res.name} 并设为${roleLabel(res.role)}。初始密码(只显示这一次):${res.password}`
      : `${res.name} 现在是该店的${roleLabel(res.role)}。`;
    result.hidden = false;
    await load();
  } catch (err) {
    if (err.status === 401) return goLogin();
    fail(`加入失败:${err.message}`);
  }
});

me().then(async (u) => {
  if (!u) return goLogin();
  document.getElementById('owner-who').textContent = u.name;
  if (!u.owner) {
    fail('只有店主(owner)能管理店铺。请回到客服面板。');
    return;
  }
  await load();
}).catch((err) => fail(`无法连接服务器:${err.message}`));
