// Tiny DOM builder. Text always goes in through textContent, never innerHTML,
// so chat text and shop data cannot inject markup.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// highlight returns text as nodes with every occurrence of words wrapped in
// <mark>; at each position the longest word wins, so overlaps never nest.
export function highlight(text, words) {
  const frag = document.createDocumentFragment();
  const list = [...new Set((words || []).filter((w) => w && w.trim()))].sort((a, b) => b.length - a.length);
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const word = list.find((w) => text.startsWith(w, i));
    if (!word) {
      plain += text[i];
      i++;
      continue;
    }
    if (plain) frag.append(plain);
    plain = '';
    frag.append(h('mark', { text: word }));
    i += word.length;
  }
  if (plain) frag.append(plain);
  return frag;
}

// mentions reports whether any word occurs in text.
export function mentions(text, words) {
  return (words || []).some((w) => w && text.includes(w));
}

export function clock(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const now = new Date();
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.toDateString() === now.toDateString()) return hm;
  return `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
}

export function price(p) {
  if (typeof p !== 'number' || !Number.isFinite(p)) return '';
  return '¥' + (Number.isInteger(p) ? String(p) : p.toFixed(2));
}
