// Calling up any phrase of the shop from the reply box: typing / and a short
// code, a title or a few words lists the matching phrases (the shop's and
// the agent's own, tagged 「我的」), filled for the product in view; arrows
// move, Enter or a click puts the phrase in the box, Esc closes.

import { api, shopPath } from './api.js';
import { h } from './dom.js';
import { humanError } from './errors.js';
import { sceneLabel } from './labels.js';

const DEBOUNCE_MS = 120;
const SHOWN = 8;

// slashQuery is what the agent searches for, when the box holds only "/…".
export const slashQuery = (text) => (/^[//]\S{0,32}$/.test(text) ? text.slice(1) : null);

// attachPhraseSearch turns area into a / search box. context() gives
// {conversation, product} to fill phrases for; onPick(phrase) is told of a
// phrase put in the box.
export function attachPhraseSearch(area, { context, onPick }) {
  const list = h('ul', { class: 'search-list', role: 'listbox', 'aria-label': '话术搜索结果' });
  const note = h('p', { class: 'search-note' });
  const pop = h('div', { class: 'phrase-search', hidden: true }, note, list);
  area.insertAdjacentElement('beforebegin', pop);
  area.parentElement.classList.add('has-search');

  let found = [];
  let active = 0;
  let timer = 0;
  let seq = 0;

  function close() {
    pop.hidden = true;
    found = [];
  }

  async function search(q) {
    const mine = ++seq;
    const { conversation, product } = context();
    const params = new URLSearchParams({ q });
    if (conversation) params.set('conversation', conversation);
    if (product) params.set('product', product);
    try {
      const res = await api('GET', shopPath(`/phrases?${params}`));
      if (mine !== seq || slashQuery(area.value) !== q) return;
      found = ((res && res.phrases) || []).slice(0, SHOWN);
      active = Math.max(0, found.findIndex((p) => !(p.missing || []).length));
      render(q);
    } catch (err) {
      if (mine !== seq) return;
      found = [];
      list.replaceChildren();
      note.textContent = humanError(err, '搜索话术');
      pop.hidden = false;
    }
  }

  function render(q) {
    note.textContent = found.length
      ? `↑↓ 选择 · 回车使用 · Esc 关闭${q ? '' : ' · 输入短码或关键词缩小范围'}`
      : `没有找到“${q}”的话术:换个短码或关键词试试`;
    list.replaceChildren(...found.map((p, i) => {
      const missing = p.missing || [];
      return h('li', {
        class: `search-item${i === active ? ' active' : ''}${missing.length ? ' unfilled' : ''}`,
        role: 'option', 'aria-selected': String(i === active),
        dataset: { phraseId: p.id, mine: p.mine ? '1' : '' },
        onmousedown: (e) => { e.preventDefault(); pick(i); },
      },
      h('div', { class: 'search-head' },
        p.code ? h('code', { text: `/${p.code}` }) : null,
        h('span', { class: 'search-title', text: p.title || '' }),
        p.mine ? h('span', { class: 'mine-tag', text: '我的' }) : p.scene ? h('small', { text: sceneLabel(p.scene) }) : null,
        p.mine ? h('button', {
          type: 'button', class: 'search-delete', title: '删除这条我的话术', 'aria-label': '删除这条我的话术',
          onmousedown: (e) => { e.preventDefault(); e.stopPropagation(); remove(p, q); },
        }, '删除') : null),
      h('div', { class: 'search-text', text: p.text }),
      missing.length ? h('div', { class: 'search-missing', text: `缺少 ${missing.map((m) => `{${m}}`).join(' ')}:请先让买家选定商品` }) : null);
    }));
    pop.hidden = false;
  }

  async function remove(p, q) {
    try {
      await api('DELETE', shopPath(`/phrases/mine/${encodeURIComponent(p.id)}`));
      search(q);
    } catch (err) {
      note.textContent = humanError(err, '删除');
    }
  }

  function pick(i) {
    const p = found[i];
    if (!p || (p.missing || []).length) return;
    close();
    area.value = p.text;
    area.dispatchEvent(new Event('input', { bubbles: true }));
    area.focus();
    onPick && onPick(p);
  }

  area.addEventListener('input', () => {
    const q = slashQuery(area.value);
    clearTimeout(timer);
    if (q == null) {
      seq++;
      close();
      return;
    }
    timer = setTimeout(() => search(q), DEBOUNCE_MS);
  });
  area.addEventListener('keydown', (e) => {
    if (pop.hidden || e.isComposing) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!found.length) return;
      active = (active + (e.key === 'ArrowDown' ? 1 : found.length - 1)) % found.length;
      render(slashQuery(area.value) || '');
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      e.stopImmediatePropagation(); // the box's own Enter (send) must not run
      pick(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  }, true);
  area.addEventListener('blur', () => setTimeout(close, 150));

  return {
    // open answers the / key pressed outside the box: focus moves to the
    // box during the keydown, so an empty box receives the / itself and the
    // search starts; a box holding a draft only takes the focus.
    open(e) {
      if (area.value.trim()) {
        e.preventDefault();
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
        return;
      }
      area.value = '';
      area.focus();
    },
    get isOpen() { return !pop.hidden; },
  };
}

// savePersonal stores text as one of the agent's own phrases.
export function savePersonal({ title, text, code }) {
  return api('POST', shopPath('/phrases/mine'), { title: title || '', text, code: code || '' });
}

// mountKeep adds to the panel's reply box a way to keep its text as one of
// the agent's own phrases, with a short code; say(text) reports the outcome.
export function mountKeep(root, area, say) {
  const code = h('input', { class: 'keep-code', maxlength: '16', placeholder: '短码(可不填),如 dd', 'aria-label': '短码' });
  const form = h('form', { class: 'keep-form', hidden: true },
    h('span', { class: 'muted', text: '存为我的话术,短码' }), code,
    h('button', { type: 'submit', class: 'btn small primary' }, '保存'),
    h('button', { type: 'button', class: 'btn small ghost', onclick: () => { form.hidden = true; } }, '取消'));
  const keep = h('button', { type: 'button', class: 'btn small ghost keep', title: '把回复框里的话存为只有你能看到的话术' }, '存为我的话术');
  root.querySelector('.section-head').append(keep);
  root.append(form);
  keep.addEventListener('click', () => {
    const text = area.value.trim();
    if (!text || slashQuery(text) != null) {
      say('先在回复框写好要保存的话');
      return;
    }
    form.hidden = false;
    code.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = code.value.trim();
    try {
      await savePersonal({ text: area.value.trim(), code: c });
      say(c ? `已存为我的话术 /${c}` : '已存为我的话术');
      form.hidden = true;
      code.value = '';
    } catch (err) {
      say(humanError(err, '保存'));
    }
  });
}
