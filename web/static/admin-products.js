// The products tab: a product's facts, shipping window, pre-sale or
// made-to-order facts, pairings and bundles. Saving names the phrases the
// edit leaves unfillable or whose promise the product no longer keeps.

import { api, shopPath } from './api.js';
import { h, price } from './dom.js';
import { fail, splitList, toast } from './admin-common.js';

const $ = (id) => document.getElementById(id);
let products = [];
let shopHours = 0;
let current = null;

export async function showProducts() {
  const res = await api('GET', shopPath('/admin/products'));
  products = res.products || [];
  shopHours = res.ship_within_hours;
  renderList();
  if (current) open(current.id);
}

function renderList() {
  const q = $('product-q').value.trim();
  const rows = products.filter((p) => !q || p.title.includes(q) || p.id.includes(q) || p.aliases.some((a) => a.includes(q)))
    .map((p) => h('li', {}, h('button', {
      type: 'button', class: 'row' + (current && current.id === p.id ? ' current' : ''), dataset: { productId: p.id }, onclick: () => open(p.id),
    },
    h('span', { class: 'row-top' }, h('strong', { text: p.title }), h('span', { class: 'muted small', text: price(p.price) }),
      h('span', { class: 'scene', text: `${p.ship_hours} 小时发货` })),
    h('span', { class: 'row-text', text: p.facts.map((f) => `${f.name}:${f.value}`).join(' · ') || p.id }))));
  $('product-list').replaceChildren(...(rows.length ? rows : [h('li', { class: 'empty', text: '没有商品' })]));
}

function factRow(f = { name: '', value: '' }) {
  return h('tr', { class: 'fact' },
    h('td', {}, h('input', { class: 'fact-name', value: f.name, 'aria-label': '属性名称' })),
    h('td', {}, h('input', { class: 'fact-value', value: f.value, 'aria-label': '属性内容' })),
    h('td', {}, h('button', { type: 'button', class: 'btn small ghost', text: '删除', onclick: (e) => e.target.closest('tr').remove() })));
}

function bundleRow(b = { title: '', items: [], price: 0 }) {
  return h('tr', { class: 'bundle' },
    h('td', {}, h('input', { class: 'bundle-title', value: b.title, 'aria-label': '套餐名称' })),
    h('td', {}, h('input', { class: 'bundle-items', value: b.items.join(','), 'aria-label': '包含商品' })),
    h('td', {}, h('input', { class: 'bundle-price', type: 'number', min: '0', step: '0.01', value: String(b.price), 'aria-label': '套餐价格' })),
    h('td', {}, h('button', { type: 'button', class: 'btn small ghost', text: '删除', onclick: (e) => e.target.closest('tr').remove() })));
}

function open(id) {
  current = products.find((p) => p.id === id);
  if (!current) return;
  const form = $('product-form');
  const f = form.elements;
  $('product-empty').hidden = true;
  form.hidden = false;
  $('product-error').textContent = '';
  $('product-flagged').hidden = true;
  $('product-title').textContent = current.title;
  $('product-id').textContent = `编号 ${current.id}`;
  f.title.value = current.title;
  f.price.value = String(current.price);
  f.ship_within_hours.value = String(current.ship_within_hours);
  $('ship-hint').textContent = `0 = 用店铺的 ${shopHours} 小时`;
  f.aliases.value = current.aliases.join('、');
  f.pairs_with.replaceChildren(...products.filter((p) => p.id !== current.id).map((p) =>
    h('option', { value: p.id, text: p.title, selected: current.pairs_with.includes(p.id) })));
  $('facts').replaceChildren(...current.facts.map(factRow));
  $('bundles').replaceChildren(...current.bundles.map(bundleRow));
  renderList();
}

async function save(e) {
  e.preventDefault();
  const f = e.target.elements;
  const body = {
    title: f.title.value, price: Number(f.price.value || 0), ship_within_hours: Number(f.ship_within_hours.value || 0),
    aliases: splitList(f.aliases.value),
    pairs_with: [...f.pairs_with.selectedOptions].map((o) => o.value),
    facts: [...document.querySelectorAll('#facts tr')].map((tr) => ({
      name: tr.querySelector('.fact-name').value, value: tr.querySelector('.fact-value').value,
    })).filter((x) => x.name.trim() || x.value.trim()),
    bundles: [...document.querySelectorAll('#bundles tr')].map((tr) => ({
      title: tr.querySelector('.bundle-title').value, items: splitList(tr.querySelector('.bundle-items').value),
      price: Number(tr.querySelector('.bundle-price').value || 0),
    })).filter((x) => x.title.trim()),
  };
  $('product-error').textContent = '';
  try {
    const res = await api('PUT', shopPath(`/admin/products/${encodeURIComponent(current.id)}`), body);
    toast('商品已保存,客服下一轮即可看到');
    const flagged = res.flagged || [];
    await showProducts();
    $('product-flagged').hidden = flagged.length === 0;
    $('flagged-list').replaceChildren(...flagged.map((p) => h('li', { dataset: { phraseId: p.id } },
      h('a', { href: '#phrases', text: p.title }), ` ${p.reason}`)));
  } catch (err) {
    if (err.status === 401) return fail(err);
    $('product-error').textContent = err.message;
  }
}

export function initProducts() {
  $('product-q').addEventListener('input', renderList);
  $('product-form').addEventListener('submit', save);
  $('fact-add').addEventListener('click', () => $('facts').append(factRow()));
  $('bundle-add').addEventListener('click', () => $('bundles').append(bundleRow()));
}
