// Flagging a turn from the panel: "should have nudged …" or "this nudge is
// wrong", in one action. Flags go to the shop's knowledge admins (/learn),
// who teach the engine from them.

import { api, shopPath } from './api.js';
import { h } from './dom.js';

let categories = null; // [{category, kind, label, role}], loaded once per shop
let categoriesShop = null;

async function loadCategories(shop) {
  if (categories && categoriesShop === shop) return categories;
  const res = await api('GET', shopPath('/categories', shop));
  categories = (res && res.categories) || [];
  categoriesShop = shop;
  return categories;
}

// flagControl is a small "标记" button for one turn; it opens a form that
// sends the flag. conversation and shop are the open ones; say shows a toast.
export function flagControl(entry, { conversation, shop, say }) {
  const box = h('span', { class: 'flag-box' });
  const open = h('button', {
    type: 'button', class: 'btn small ghost flag-open', title: '这一句的提醒不对,或应该提醒却没有',
    onclick: () => showForm(),
  }, '标记');
  box.append(open);

  async function showForm() {
    let list;
    try {
      list = (await loadCategories(shop)).filter((c) => c.role === entry.role);
    } catch (err) {
      say(`读取提醒类别失败:${err.message}`);
      return;
    }
    const raised = ((entry.suggestions && entry.suggestions.nudges) || []).map((n) => `${n.kind}.${n.category}`);
    const kind = h('select', { class: 'flag-kind', 'aria-label': '标记类型' },
      h('option', { value: 'missed', text: '应该提醒' }),
      raised.length ? h('option', { value: 'wrong', text: '这条提醒不对' }) : null);
    const category = h('select', { class: 'flag-category', 'aria-label': '提醒类别' });
    const fill = () => {
      const wrong = kind.value === 'wrong';
      const options = list.filter((c) => (wrong ? raised.includes(c.category) : !raised.includes(c.category)));
      category.replaceChildren(...options.map((c) => h('option', { value: c.category, text: c.label || c.category })));
    };
    kind.addEventListener('change', fill);
    fill();
    const form = h('form', { class: 'flag-form' }, kind, category,
      h('button', { type: 'submit', class: 'btn small primary' }, '提交'),
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => form.replaceWith(open) }, '取消'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api('POST', shopPath('/flags', shop), {
          conversation, turn: entry.turn, kind: kind.value, category: category.value,
        });
        form.replaceWith(h('span', { class: 'flag-done muted', text: '已提交给知识管理员' }));
      } catch (err) {
        say(`标记失败:${err.message}`);
      }
    });
    open.replaceWith(form);
    kind.focus();
  }
  return box;
}
