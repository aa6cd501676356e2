// The agent's side panel: what the current turn of one conversation calls
// for, live over a WebSocket. mountPanel is shared by the panel page (/) and
// the demo page, which mounts it beside its chat window.

import { api, chooseShop, conversationPath, currentShop, goLogin, logout, me, setShop, shopPath, socketURL } from './api.js';
import { copyText } from './clipboard.js';
import { h, clock } from './dom.js';
import { nudgeCard, nudgeID, phraseItem, productItem, ruleItem } from './cards.js';
import { attachReplyCheck, mountCheck } from './check.js';
import { humanError } from './errors.js';
import { attachPhraseSearch, mountKeep } from './phrase-search.js';
import { showManagerNote } from './manager.js';
import { memberRoleLabel as roleLabelOf, roleLabel } from './labels.js';
import { flagControl } from './flags.js';
import { mountConversations } from './conversations.js';
import { LiveSocket } from './socket.js';
import { mountTurnLog } from './turnlog.js';

const TOP_PHRASES = 3;

const STATES = {
  connecting: '连接中…',
  open: '实时',
  waiting: (s) => `已断开,${s} 秒后重连`,
  closed: '未连接',
};

// mountPanel builds the panel inside root.
// opts.conversation: the id to open first (null: the most recent one)
// opts.embed: no conversation list or turn log (the host page shows the chat)
// opts.onInsert(text): put a phrase into the host's reply box instead of the clipboard
// opts.product(): the product in view as the host knows it, for the phrase search
// opts.replyBox: {area, result} the host's reply box and where its check shows;
//   without one the panel has its own (the panel page's reply box)
// opts.onTurn(entry): told of every turn the panel learns of, pushed or loaded
// opts.onSwitch(shop, id): told when the panel opens another conversation
export function mountPanel(root, opts = {}) {
  const state = {
    id: null,
    socket: null,
    turns: new Map(), // turn number -> {turn, role, text, at, suggestions}
    viewing: null, // turn number pinned by the agent; null follows the latest
    dismissed: new Set(),
    phrases: [], // the top phrases on screen, for keys 1/2/3
    phrasesTurn: null, // the turn they were suggested for
    opened: false, // the socket has been open once; a later open is a reconnect
    role: '', // the person's role in the current shop
  };

  const conn = h('span', { class: 'conn', dataset: { state: 'closed' } }, h('i'), h('span', { text: STATES.closed }));
  const who = h('span', { class: 'who' });
  // The toast sits in the header, in place of the brand: it covers nothing.
  const toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
  const head = h('header', { class: 'bar' },
    h('span', { class: 'brand', text: '客服助手' }), toast, conn, who,
    opts.embed ? null : h('button', { type: 'button', class: 'btn small ghost', onclick: logout }, '退出'));

  const shopBar = h('nav', { class: 'shops', 'aria-label': '店铺' });
  const convBox = h('section', { class: 'convs' });
  const turnLog = mountTurnLog((n) => {
    state.viewing = n === latestTurn() ? null : n;
    render();
  });
  const now = h('div', { class: 'now' });
  const nudges = h('section', { class: 'nudges', 'aria-label': '提醒' });
  const phraseList = h('ol', { class: 'phrases' });
  const rules = h('div', { class: 'rules' });
  const products = h('div', { class: 'products' });
  const checkBox = h('section', { class: 'check' });

  const scroll = h('div', { class: 'scroll' },
    opts.embed ? null : shopBar,
    opts.embed ? null : h('div', { class: 'folds' }, convBox, turnLog.box),
    now,
    nudges,
    h('section', { class: 'block' },
      h('div', { class: 'section-head' }, h('h2', { text: '推荐话术' }),
        h('small', { class: 'keys', text: '点击或按 1/2/3 · 打字时 Alt+1/2/3 · / 搜全部话术' })),
      phraseList),
    h('section', { class: 'block' }, h('div', { class: 'section-head' }, h('h2', { text: '相关规则' })), rules),
    h('section', { class: 'block' }, h('div', { class: 'section-head' }, h('h2', { text: '商品信息' })), products));
  root.classList.add('panel');
  if (opts.embed) root.classList.add('embed');
  const managerNote = h('section', { class: 'manager-note', hidden: true });
  root.replaceChildren(...[head, managerNote, scroll, opts.replyBox ? null : checkBox].filter(Boolean));
  // On a phone-width screen the suggestions come first: the log folds away.
  const narrow = window.matchMedia('(max-width: 480px)');
  if (!opts.embed && narrow.matches) turnLog.box.open = false;

  let convs = null; // the list, once the person's shops are known
  let shops = []; // [{id, name, role}] the person belongs to
  // Replies are checked against the open conversation's product; with none
  // open, against the shop's own terms. A draft is not a turn yet: nothing
  // was stored to record feedback against.
  const checkOpts = {
    conversation: () => state.id || 'draft-check',
    onUse: () => say('已换成建议说法'),
  };
  let replyArea;
  let checker;
  if (opts.replyBox) {
    replyArea = opts.replyBox.area;
    checker = attachReplyCheck(replyArea, opts.replyBox.result, checkOpts);
  } else {
    const box = mountCheck(checkBox, {
      ...checkOpts,
      onCopy: async (text) => {
        const ok = await copyText(text);
        say(ok ? '已复制,去聊天窗口粘贴发送' : '复制失败,请手动选中文字复制');
      },
    });
    replyArea = box.area;
    checker = { set: box.setDraft, recheck: box.recheck };
  }
  const search = attachPhraseSearch(replyArea, {
    context: () => {
      const n = shownTurn();
      const entry = n == null ? null : state.turns.get(n);
      const product = (opts.product && opts.product()) || (entry && entry.suggestions && entry.suggestions.product) || '';
      return { conversation: state.id, product };
    },
    onPick: (p) => {
      say(p.mine ? '已放入我的话术' : '已放入话术');
      if (!p.mine) feedback(shownTurn(), p.id, 'phrase', 'used');
    },
  });
  if (!opts.replyBox) mountKeep(checkBox, replyArea, say);

  // --- delivering text and recording what the agent did ---

  let toastTimer = 0;
  function say(text) {
    toast.textContent = text;
    toast.classList.add('show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => toast.classList.remove('show'), 1600);
  }

  async function deliver(text, done) {
    if (opts.replyBox || opts.onInsert) {
      opts.onInsert(text);
      say(done || '已插入回复框');
      return true;
    }
    if (opts.embed && window.parent !== window) {
      window.parent.postMessage({ type: 'assist.insert', text }, location.origin);
      say(done || '已插入回复框');
      return true;
    }
    // The panel page: the phrase goes into its reply box (checked there) and
    // onto the clipboard, ready to paste into the chat tool.
    checker.set(text);
    const ok = await copyText(text);
    say(ok ? (done ? `${done},已复制` : '已放入回复框并复制') : '已放入回复框;复制失败,请手动复制');
    return ok;
  }

  // feedback records what an agent did with a suggestion. A manager looking
  // on is not serving the buyer: their clicks would skew the reports.
  function feedback(turn, id, kind, action) {
    if (state.id == null || turn == null || !id || state.role === 'manager') return;
    api('POST', shopPath('/events'), { conversation: state.id, turn, suggestion_id: id, kind, action })
      .catch((err) => console.warn('assist: feedback not recorded:', err.message));
  }

  async function usePhrase(p, index, turn) {
    const item = phraseList.children[index];
    feedback(turn, p.id, 'phrase', 'used');
    await deliver(p.text);
    if (item && item.isConnected) {
      item.classList.add('used');
      item.querySelector('.state').textContent = '已使用';
    }
  }

  // --- what the person's role in the shop lets them do ---

  // applyRole fits the panel to the role: a manager reads conversations and
  // suggestions and sees how the phrases fare, but has no reply box (replies
  // are the agents'); agents and admins get everything.
  function applyRole(role) {
    state.role = role || '';
    const manager = role === 'manager';
    root.classList.toggle('manager', manager);
    checkBox.hidden = manager;
    managerNote.hidden = !manager;
    if (manager) showManagerNote(managerNote);
  }

  // --- which turn the panel shows ---

  function latestTurn() {
    let max = null;
    for (const n of state.turns.keys()) if (max == null || n > max) max = n;
    return max;
  }

  function shownTurn() {
    return state.viewing != null && state.turns.has(state.viewing) ? state.viewing : latestTurn();
  }

  function render() {
    renderLog();
    const n = shownTurn();
    const entry = n == null ? null : state.turns.get(n);
    root.classList.toggle('idle', !entry); // nothing to suggest yet: no empty sections
    renderNow(entry);
    renderSuggestions(entry);
  }

  function renderLog() {
    if (opts.embed) return;
    const entries = [...state.turns.values()].sort((a, b) => a.turn - b.turn);
    turnLog.render(entries, shownTurn(), state.viewing == null);
  }

  function renderNow(entry) {
    if (!entry) {
      now.replaceChildren(h('p', { class: 'empty' },
        state.id ? '等待新消息…买家或客服每说一句,这里会给出提醒和推荐话术。' : '请选择一个会话。'));
      return;
    }
    const pinned = state.viewing != null && state.viewing !== latestTurn();
    now.replaceChildren(
      h('div', { class: 'now-head' },
        h('span', { class: `role-tag role-${entry.role}`, text: roleLabel(entry.role) }),
        h('span', { class: 'muted', text: `第 ${entry.turn + 1} 句 · ${clock(entry.at)}` }),
        pinned ? h('button', { type: 'button', class: 'btn small ghost', onclick: () => { state.viewing = null; render(); } }, '回到最新') : null,
        state.role === 'manager' ? null : flagControl(entry, { conversation: state.id, shop: currentShop(), say })),
      h('p', { class: 'now-text', text: entry.text }));
  }

  function renderSuggestions(entry) {
    const s = (entry && entry.suggestions) || {};
    const turn = entry ? entry.turn : null;
    const top = (s.phrases || []).slice(0, TOP_PHRASES);
    const shown = (s.nudges || []).filter((n) => !state.dismissed.has(`${turn}|${nudgeID(n)}`));
    nudges.replaceChildren(...shown.map((n, i) => nudgeCard(n, {
      // On a narrow screen only the first nudge is open, so the phrases
      // stay in the first screen; the others open with a click.
      folded: narrow.matches && i > 0,
      phraseIndex: n.suggested ? top.findIndex((p) => p.text === n.suggested) : -1,
      onPhrase: () => {
        const i = top.findIndex((p) => p.text === n.suggested);
        usePhrase(top[i], i, turn);
        feedback(turn, nudgeID(n), 'nudge', 'used');
      },
      onUse: (text) => {
        deliver(text);
        feedback(turn, nudgeID(n), 'nudge', 'used');
      },
      onDismiss: () => {
        state.dismissed.add(`${turn}|${nudgeID(n)}`);
        feedback(turn, nudgeID(n), 'nudge', 'dismissed');
        renderSuggestions(entry);
      },
    })));

    state.phrases = top;
    state.phrasesTurn = turn;
    phraseList.replaceChildren(...(state.phrases.length
      ? state.phrases.map((p, i) => phraseItem(p, i, () => usePhrase(p, i, turn)))
      : [h('li', { class: 'empty', text: entry ? '这句话没有合适的话术' : '—' })]));

    rules.replaceChildren(...((s.rules || []).length
      ? s.rules.map((r) => ruleItem(r, (rule) => {
        deliver(`依据${rule.source ? rule.source : ''}「${rule.title}」:${rule.text}`, '已复制规则');
        feedback(turn, rule.id, 'rule', 'used');
      }))
      : [h('p', { class: 'empty', text: entry ? '没有相关规则' : '—' })]));

    products.replaceChildren(...((s.products || []).length
      ? s.products.map((p) => productItem(p, !!p.in_view))
      : [h('p', { class: 'empty', text: entry ? '没有相关商品' : '—' })]));
  }

  // --- the conversation and its socket ---

  function learn(entry) {
    const known = state.turns.has(entry.turn);
    state.turns.set(entry.turn, entry);
    if (!known && opts.onTurn) opts.onTurn(entry);
  }

  function onMessage(msg) {
    switch (msg.type) {
      case 'suggestions':
        if (msg.conversation && msg.conversation !== state.id) return;
        learn({ turn: msg.turn, role: msg.role, text: msg.text, at: msg.at, suggestions: msg });
        state.viewing = null;
        render();
        if (convs) convs.touch(currentShop(), state.id, msg);
        break;
      case 'retracted':
        // The set came before its turn was stored, and the store refused
        // the turn: take it back; the chat's next line takes its number.
        if (msg.conversation && msg.conversation !== state.id) return;
        if (state.turns.delete(msg.turn)) {
          if (state.viewing === msg.turn) state.viewing = null;
          render();
          say(msg.reason || '这句未能保存,建议已撤回');
        }
        break;
      case 'error':
        say(humanError({ status: 400, reason: msg.reason || '' }));
        break;
      default:
        break; // ack and anything newer: nothing to show
    }
  }

  function setConn(s, seconds) {
    // Pushes sent while the socket was down are lost: reload after a reconnect.
    if (s === 'open' && state.opened) load(state.id);
    if (s === 'open') state.opened = true;
    conn.dataset.state = s;
    const label = STATES[s];
    conn.lastChild.textContent = typeof label === 'function' ? label(seconds) : label;
  }

  async function onDrop(_ev, attempt) {
    if (attempt < 2) return;
    try {
      if (!(await me())) goLogin();
    } catch {
      // server unreachable: keep retrying
    }
  }

  // load reads the conversation's last page of turns (all a reconnect
  // needs); with before, the page of older turns, asked for when the agent
  // scrolls the turn log to its top. state.older remembers where the next
  // older page starts.
  async function load(id, before = null) {
    const log = turnLog.box.querySelector('.turn-log');
    if (!log.dataset.paging) {
      log.dataset.paging = 'on';
      log.addEventListener('scroll', () => {
        const o = state.older;
        if (log.scrollTop < 24 && o && o.id === state.id && o.next != null && !o.loading) load(o.id, o.next);
      });
    }
    const o = state.older;
    const fresh = !o || o.id !== id || state.turns.size === 0 || (o.next != null && !state.turns.has(o.next));
    if (before != null) state.older.loading = true;
    const height = log.scrollHeight;
    try {
      const conv = await api('GET', conversationPath(id) + (before != null ? `?before=${before}` : ''));
      if (state.id !== id) return;
      for (const t of (conv && conv.turns) || []) {
        learn({ turn: t.turn, role: t.role, text: t.text, at: t.at, suggestions: t.suggestions || {} });
      }
      if (before != null || fresh) state.older = { id, next: conv && conv.has_more ? conv.next : null };
      if (before != null) {
        state.viewing = shownTurn(); // stay where the agent is reading, not at the newest line
        render();
        log.scrollTop = log.scrollHeight - height;
        return;
      }
    } catch (err) {
      if (before != null) state.older.loading = false;
      if (err.status === 401) return goLogin();
      if (err.status !== 404) say(humanError(err, '读取会话'));
    }
    render();
  }

  // renderShops shows the shops the person serves, the current one marked;
  // a click or Alt+S switches.
  function renderShops() {
    shopBar.hidden = shops.length < 2;
    shopBar.replaceChildren(...shops.map((sh) => h('button', {
      type: 'button', class: `shop${sh.id === currentShop() ? ' current' : ''}`, dataset: { shopId: String(sh.id) },
      'aria-pressed': String(sh.id === currentShop()), title: '切换店铺 (Alt+S)',
      onclick: () => switchShop(sh.id),
    }, sh.name)), h('small', { class: 'muted', text: 'Alt+S 切换' }));
  }

  async function switchShop(id) {
    if (id === currentShop()) return;
    setShop(id);
    applyRole((shops.find((sh) => sh.id === id) || {}).role);
    renderShops();
    const newest = convs ? await convs.refresh(id) : null;
    open(newest ? newest.id : null, id);
  }

  function open(id, shop = currentShop()) {
    if (shop !== currentShop()) {
      setShop(shop);
      applyRole((shops.find((sh) => sh.id === shop) || {}).role);
      renderShops();
    }
    if (state.socket) state.socket.close();
    state.socket = null;
    state.id = id || null;
    state.turns = new Map();
    state.viewing = null;
    state.dismissed = new Set();
    state.opened = false;
    if (convs) convs.select(currentShop(), state.id);
    if (opts.onSwitch) opts.onSwitch(currentShop(), state.id);
    render();
    if (!state.id) return;
    state.socket = new LiveSocket(socketURL(state.id), { onMessage, onState: setConn, onDrop });
    load(state.id);
  }

  // Keys 1/2/3 use a phrase; while the agent types, Alt+1/2/3 does (e.code:
  // Alt turns the digit into another character on some layouts). / outside
  // a text box opens the phrase search in the reply box.
  document.addEventListener('keydown', (e) => {
    const digit = ['Digit1', 'Digit2', 'Digit3'].indexOf(e.code);
    if (e.altKey && !e.ctrlKey && !e.metaKey && digit >= 0) {
      if (state.phrases[digit]) {
        e.preventDefault();
        usePhrase(state.phrases[digit], digit, state.phrasesTurn);
      }
      return;
    }
    if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 's' || e.key === 'S' || e.code === 'KeyS') && shops.length > 1) {
      e.preventDefault();
      const i = shops.findIndex((sh) => sh.id === currentShop());
      switchShop(shops[(i + 1) % shops.length].id);
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
    const t = e.target;
    if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
    if (e.key === '/' && state.role !== 'manager') {
      search.open(e);
      return;
    }
    const i = ['1', '2', '3'].indexOf(e.key);
    if (i >= 0 && state.phrases[i]) {
      e.preventDefault();
      usePhrase(state.phrases[i], i, state.phrasesTurn);
    }
  });
  window.addEventListener('online', () => state.socket && state.socket.reconnectNow());

  (async () => {
    let u;
    try {
      u = await me();
    } catch (err) {
      now.replaceChildren(h('p', { class: 'error', text: humanError(err, '连接服务器') }));
      return;
    }
    if (!u) return goLogin();
    who.textContent = u.name;
    shops = u.shops || [];
    // The demo page has chosen its shop already; the panel page chooses here.
    const shop = currentShop() != null && shops.some((sh) => sh.id === currentShop())
      ? shops.find((sh) => sh.id === currentShop()) : chooseShop(u);
    if (!shop) {
      now.replaceChildren(h('p', { class: 'empty' }, '你还不属于任何店铺。请店主把你加入店铺后再来',
        u.owner ? h('span', {}, ',或打开 ', h('a', { href: '/owner', text: '店铺管理' }), '。') : '。'));
      return;
    }
    who.title = `${shop.name} · ${roleLabelOf(shop.role)}`;
    applyRole(shop.role);
    renderShops();
    let id = opts.conversation;
    if (!opts.embed) {
      convs = mountConversations(convBox, { shops, onPick: (sh, cid) => open(cid, sh) });
      const newest = await convs.refresh(currentShop());
      id = id || (newest && newest.id);
    }
    open(id);
  })();

  return {
    open,
    get conversation() { return state.id; },
    checkDraft: (text) => checker.set(text),
    // gate: may the host's reply go out (see attachReplyCheck)?
    gate: () => (checker.gate ? checker.gate() : Promise.resolve(true)),
  };
}
