// Helpers shared by the admin workspace's tabs.

import { goLogin } from './api.js';

const $ = (id) => document.getElementById(id);
const notice = $('admin-notice');
const toastEl = $('admin-toast');

export function fail(err) {
  if (err && err.status === 401) return goLogin();
  notice.textContent = typeof err === 'string' ? err : `出错了:${err.message}`;
  notice.hidden = false;
}

let toastTimer = 0;
export function toast(text) {
  toastEl.textContent = text;
  toastEl.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toastEl.hidden = true; }, 3000);
}

// debounce runs fn once the calls have stopped for ms.
export function debounce(fn, ms) {
  let t = 0;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

export const splitList = (s) => (s || '').split(/[、,，;；\s]+/).map((x) => x.trim()).filter(Boolean);

export function when(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

