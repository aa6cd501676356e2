// The login page: a name and a password, then back to where the agent was going.

import { api, me } from './api.js';

const form = document.getElementById('login');
const error = document.getElementById('login-error');
const submit = form.querySelector('button[type=submit]');

// next only ever leads to a page on this site. The parameter is resolved by
// the browser's own URL parser, which drops tabs and line breaks and reads a
// backslash as a slash ("/\t/evil.example" is "//evil.example"), and is
// followed only if it lands on this origin; then the parsed form is used, so
// what was checked is what is followed.
function next() {
  const n = new URLSearchParams(location.search).get('next') || '';
  if (!n.startsWith('/')) return '/';
  let u;
  try {
    u = new URL(n, location.origin);
  } catch {
    return '/';
  }
  return u.origin === location.origin ? u.pathname + u.search + u.hash : '/';
}

function fail(text) {
  error.textContent = text;
  error.hidden = false;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.hidden = true;
  submit.disabled = true;
  const data = new FormData(form);
  try {
    await api('POST', '/api/v1/login', { name: String(data.get('name')).trim(), password: String(data.get('password')) });
    location.assign(next());
  } catch (err) {
    if (err.status === 401) fail('用户名或密码不对');
    else if (err.status === 429) fail('尝试次数太多,请稍后再试');
    else fail(`登录失败:${err.message}`);
    form.elements.password.select();
  } finally {
    submit.disabled = false;
  }
});

me().then((u) => { if (u) location.replace(next()); }).catch(() => {});
