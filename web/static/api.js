// Same-origin JSON calls to the assist API. The session is an HttpOnly cookie,
// so nothing here ever sees or stores a credential.

export class ApiError extends Error {
  constructor(status, reason) {
    super(reason || `HTTP ${status}`);
    this.status = status;
    this.reason = reason;
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

export async function api(method, path, body, { signal } = {}) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin', signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
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
  if (!res.ok) throw new ApiError(res.status, reasonOf(data, text) || res.statusText);
  return data;
}

export const conversationPath = (id) => `/api/v1/conversations/${encodeURIComponent(id)}`;

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
