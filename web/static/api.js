// Same-origin JSON calls to the assist API. The session is an HttpOnly cookie,
// so nothing here ever sees or stores a credential.

export class ApiError extends Error {
  constructor(status, reason, data) {
    super(reason || `HTTP ${status}`);
    this.status = status;
    this.reason = reason;
    this.data = data; // the error body, e.g. {problems: [...]} for a bad bundle
  }
}

// reasonOf digs the person-readable message out of whatever error body the
// server sends ({"reason"}, {"message"}, {"error":{"message"}} or text).
function reasonOf(data, text) {
  if (data && typeof data === 'object') {
    if (typeof data.reason === 'string') return data.reason;
    if (typeof data.message === 'string') return data.message;
    if (typeof data.error === 'string') return data.error;
    if (data.error && typeof data.error.message === 'string') return data.error.message;
  }
  return (text || '').trim();
}

// api calls the server; body is sent as JSON, or as it is when raw (a
// file's text, so the server can name its lines).
export async function api(method, path, body, { signal, raw } = {}) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin', signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = raw ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, '网络不可用,请检查服务是否在运行');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) throw new ApiError(res.status, reasonOf(data, text) || res.statusText, data);
  return data;
}

// Every shop's routes live under /api/v1/shops/{id}; the page works in one
// shop at a time, chosen by chooseShop and changed by setShop.
let shop = null;

export const shopPath = (rest, id = shop) => `/api/v1/shops/${encodeURIComponent(id)}${rest}`;
export const conversationPath = (id, inShop = shop) => shopPath(`/conversations/${encodeURIComponent(id)}`, inShop);
export const currentShop = () => shop;

export function setShop(id) {
  shop = id == null ? null : Number(id);
  try { localStorage.setItem('assist.shop', String(shop)); } catch { /* private mode: fine */ }
}

// chooseShop picks the shop to work in from the person's shops: ?shop= in
// the address, else the one used last on this browser, else the first.
export function chooseShop(person) {
  const shops = (person && person.shops) || [];
  const ids = shops.map((s) => s.id);
  const asked = Number(new URLSearchParams(location.search).get('shop'));
  let last = null;
  try { last = Number(localStorage.getItem('assist.shop')); } catch { /* ignore */ }
  const id = ids.includes(asked) ? asked : ids.includes(last) ? last : (ids[0] ?? null);
  setShop(id);
  return shops.find((s) => s.id === id) || null;
}

export function socketURL(id) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${conversationPath(id)}/ws`;
}

// me returns the logged-in person, or null when the session is missing or expired.
export async function me() {
  try {
    return await api('GET', '/api/v1/me');
  } catch (err) {
    if (err.status === 401) return null;
    throw err;
  }
}

export function goLogin() {
  location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
}

export async function logout() {
  try { await api('POST', '/api/v1/logout'); } finally { location.assign('/login'); }
}
