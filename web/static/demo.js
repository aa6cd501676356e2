// The demo page: one person plays buyer and agent in a chat window while the
// panel beside it reacts to every turn. Each visit is a new conversation.

import { api, chooseShop, conversationPath, currentShop, goLogin, me, shopPath } from './api.js';
import { h, clock } from './dom.js';
import { humanError } from './errors.js';
import { kindLabel, roleLabel } from './labels.js';
import { mountPanel } from './panel.js';

// Sample lines, one click each, so a newcomer sees every kind of nudge.
const SAMPLES = {
  buyer: [
    { label: '讲价', text: '两件一起拿能便宜点吗?' },
    { label: '破损投诉', text: '收到的东西是坏的,外箱也压破了,怎么办' },
    { label: '问发货', text: '今天下单什么时候发货?明天能到吗' },
  ],
  agent: [
    { label: '越权承诺', text: '亲,今天一定给您发出,保证明天到' },
    { label: '过早认责', text: '不好意思亲,是我们的问题,马上给您退款' },
  ],
};

function randomID() {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return 'demo-' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const id = randomID();
const picker = document.getElementById('product');
const messages = document.getElementById('messages');
const buyerForm = document.getElementById('buyer-form');
const agentForm = document.getElementById('agent-form');
const buyerInput = document.getElementById('buyer-input');
const agentInput = document.getElementById('agent-input');
const notice = document.getElementById('demo-notice');
const agentCheck = document.getElementById('agent-check');
let panel = null; // mounted once the person's shop is known
const bubbles = new Map(); // turn -> <li>

document.getElementById('conversation-id').textContent = id;

// The demo plays in one shop; with several, a picker reloads it in another.
function showShops(person, shop) {
  const sel = document.getElementById('shop-picker');
  sel.replaceChildren(...person.shops.map((s) => h('option', { value: String(s.id), text: s.name })));
  if (shop) sel.value = String(shop.id);
  sel.disabled = person.shops.length < 2;
  sel.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('shop', sel.value);
    location.assign(url);
  });
  document.getElementById('open-panel').href = `/?shop=${currentShop()}&conversation=${encodeURIComponent(id)}`;
}

function showBubble(entry) {
  const kinds = [...new Set(((entry.suggestions && entry.suggestions.nudges) || []).map((n) => n.kind))];
  const li = h('li', { class: `msg role-${entry.role}`, dataset: { turn: String(entry.turn) } },
    h('div', { class: 'msg-meta', text: `${roleLabel(entry.role)} · ${clock(entry.at)}` }),
    h('div', { class: 'bubble', text: entry.text }),
    kinds.length ? h('div', { class: 'msg-tags' }, kinds.map((k) => h('span', { class: `tag kind-${k}`, text: kindLabel(k) }))) : null);
  const old = bubbles.get(entry.turn);
  if (old) {
    old.replaceWith(li);
  } else {
    const after = [...bubbles.keys()].filter((t) => t > entry.turn).sort((a, b) => a - b)[0];
    if (after == null) messages.append(li);
    else messages.insertBefore(li, bubbles.get(after));
  }
  bubbles.set(entry.turn, li);
  messages.querySelector('.empty')?.remove();
  messages.scrollTop = messages.scrollHeight;
}

async function send(role, text) {
  text = text.trim();
  if (!text) return false;
  notice.hidden = true;
  const body = { role, text };
  if (picker.value) body.product = picker.value;
  try {
    const s = await api('POST', `${conversationPath(id)}/turns`, body);
    if (s && typeof s.turn === 'number') showBubble({ turn: s.turn, role, text, at: s.at || new Date().toISOString(), suggestions: s });
    return true;
  } catch (err) {
    if (err.status === 401) goLogin();
    notice.textContent = humanError(err, '发送');
    notice.hidden = false;
    return false;
  }
}

function wire(form, input, role) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // The agent's reply is checked before it goes: flags not yet seen hold
    // it once; sending again sends it as it is.
    if (role === 'agent' && panel && input.value.trim() && !(await panel.gate())) {
      notice.textContent = '这句回复有风险,已在回复框下标出:按 Alt+Enter 换成建议说法,或再按一次发送仍然发出。';
      notice.hidden = false;
      return;
    }
    const text = input.value;
    input.value = ''; // cleared at once; put back if the send fails
    if (role === 'agent') input.dispatchEvent(new Event('input'));
    if (!(await send(role, text)) && !input.value) input.value = text;
    // Refocus only if the person has not moved on to the other box meanwhile.
    if (!document.activeElement || document.activeElement === document.body || form.contains(document.activeElement)) {
      input.focus();
    }
  });
  // Enter sends, Shift+Enter breaks the line, as in the shops' chat tools.
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
}
wire(buyerForm, buyerInput, 'buyer');
wire(agentForm, agentInput, 'agent');

function chips(box, role, input) {
  box.append(...SAMPLES[role].map((s) => h('button', {
    type: 'button', class: 'chip', title: s.text, dataset: { sample: s.label }, onclick: () => send(role, s.text),
  }, s.label)));
}
chips(document.getElementById('buyer-samples'), 'buyer', buyerInput);
chips(document.getElementById('agent-samples'), 'agent', agentInput);

async function loadProducts() {
  try {
    const res = await api('GET', shopPath('/products'));
    const list = (res && res.products) || [];
    picker.append(...list.map((p) => h('option', { value: p.id, text: p.title })));
  } catch (err) {
    if (err.status === 401) goLogin();
    notice.textContent = humanError(err, '读取商品');
    notice.hidden = false;
  }
}

me().then((u) => {
  if (!u) return goLogin();
  const shop = chooseShop(u);
  if (!shop) {
    notice.replaceChildren('你还不属于任何店铺:', u.owner
      ? h('span', {}, '请在 ', h('a', { href: '/owner', text: '店铺管理' }), ' 里建一个店铺,或把自己加入一个店铺。')
      : '请店主在“店铺管理”里把你加入一个店铺,再刷新本页。');
    notice.hidden = false;
    return;
  }
  if (shop.role === 'manager') {
    // A manager does not post replies: the demo would refuse every line.
    notice.replaceChildren('演示页需要客服或知识管理员身份。你在这个店铺是主管:请打开 ',
      h('a', { href: `/?shop=${shop.id}`, text: '助手面板' }), ' 查看会话和建议的使用情况。');
    notice.hidden = false;
    showShops(u, shop);
    for (const el of document.querySelectorAll('.say textarea, .say button')) el.disabled = true;
    return;
  }
  showShops(u, shop);
  loadProducts();
  panel = mountPanel(document.getElementById('panel'), {
    conversation: id,
    embed: true,
    onTurn: showBubble,
    replyBox: { area: agentInput, result: agentCheck },
    product: () => picker.value,
    onInsert(text) {
      agentInput.value = text;
      agentInput.dispatchEvent(new Event('input'));
      agentInput.focus();
      agentInput.classList.add('flash');
      setTimeout(() => agentInput.classList.remove('flash'), 600);
    },
  });
}).catch((err) => {
  notice.textContent = humanError(err, '连接服务器');
  notice.hidden = false;
});
