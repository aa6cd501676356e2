// The promise check on the reply box: as the agent types (and again before
// the reply goes out) it says whether the reply promises what the shop
// cannot, admits fault too early or uses words the advertising law forbids,
// marks those words in a copy under the box, and puts the compliant wording
// one key away (Alt+Enter).

import { api, shopPath } from './api.js';
import { h, highlight, mentions } from './dom.js';
import { humanError } from './errors.js';
import { kindLabel } from './labels.js';
import { suggestedBlock } from './cards.js';
import { slashQuery } from './phrase-search.js';

const DEBOUNCE_MS = 250;
export const TAKE_KEY = 'Alt+Enter';

// attachReplyCheck checks area into result as the agent types.
// conversation() gives the id replies are checked in (the shop's terms
// depend on the product in view there); onUse(text, nudge) runs when the
// agent takes the compliant wording. It returns {recheck, gate, set}:
// gate() resolves true when the text may go out: nothing flagged, or the
// agent was already shown exactly these flags for exactly this text.
export function attachReplyCheck(area, result, { conversation, onUse, busy }) {
  let timer = 0;
  let inflight = null;
  let seq = 0;
  let last = { text: '', nudges: [] }; // the latest answer shown
  let seen = null; // text whose flags the agent was shown at a gate

  async function run() {
    clearTimeout(timer);
    if (inflight) inflight.abort();
    const text = area.value.trim();
    const mine = ++seq;
    if (!text || slashQuery(text) != null) {
      last = { text, nudges: [] };
      result.replaceChildren();
      return last;
    }
    inflight = new AbortController();
    if (busy) busy(true);
    try {
      const res = await api('POST', shopPath('/check'), { conversation: conversation() || 'draft-check', text }, { signal: inflight.signal });
      if (mine === seq) {
        last = { text, nudges: (res && res.nudges) || [] };
        show(last);
      }
    } catch (err) {
      if (err.name !== 'AbortError' && mine === seq) {
        result.replaceChildren(h('p', { class: 'error', text: humanError(err, '检查') }));
      }
    } finally {
      if (mine === seq && busy) busy(false);
    }
    return last;
  }

  function take(text, n) {
    area.value = text;
    seen = null;
    run();
    onUse && onUse(text, n);
  }

  // compliant is the first wording a flag offers, for Alt+Enter.
  const compliant = () => (last.nudges.find((n) => n.suggested) || {}).suggested || '';

  function show({ text, nudges }) {
    result.dataset.flags = String(nudges.length);
    if (!nudges.length) {
      result.replaceChildren(h('p', { class: 'ok', text: '✓ 没有发现越权承诺、过早认责或绝对化用语' }));
      return;
    }
    const words = nudges.flatMap((n) => n.triggers || []);
    const fix = compliant();
    result.replaceChildren(
      h('p', { class: 'draft-echo', title: '回复框里有风险的词已标出' }, highlight(text, words)),
      fix ? h('p', { class: 'take-hint' }, h('kbd', { text: TAKE_KEY }), ' 换成建议说法') : null,
      ...nudges.map((n) => h('div', { class: `issue kind-${n.kind}`, dataset: { kind: n.kind } },
        h('div', { class: 'issue-head' },
          h('span', { class: 'kind', text: kindLabel(n.kind) }),
          n.label ? h('span', { class: 'category', text: n.label }) : null),
        h('p', { class: 'reason' }, highlight(n.reason || '', n.triggers)),
        !mentions(n.reason || '', n.triggers) && (n.triggers || []).length
          ? h('p', { class: 'triggers' }, '触发词 ', n.triggers.map((w) => h('mark', { text: w }))) : null,
        // The wording to use says more than the advice; show the advice only without it.
        n.suggested ? suggestedBlock(n.suggested, (t) => take(t, n), '改用这个说法')
          : n.action ? h('p', { class: 'action' }, h('b', { text: '怎么做 ' }), n.action) : null)));
  }

  area.addEventListener('input', () => {
    seen = null;
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.altKey && !e.ctrlKey && !e.metaKey && !e.isComposing) {
      const fix = last.text === area.value.trim() ? compliant() : '';
      if (fix) {
        e.preventDefault();
        e.stopImmediatePropagation();
        const n = last.nudges.find((x) => x.suggested === fix);
        take(fix, n);
      }
    }
  }, true);

  return {
    recheck: run,
    set(text) {
      area.value = text;
      seen = null;
      return run();
    },
    // gate checks the text now if it was not, and lets it go unless it has
    // flags the agent has not been shown yet.
    async gate() {
      const text = area.value.trim();
      const res = last.text === text ? last : await run();
      if (!res.nudges.length || seen === text) return true;
      seen = text;
      return false;
    },
  };
}

// mountCheck builds the panel's reply box in root: the agent types or
// pastes the reply there, sees it checked as they type, and copies it out
// (or a phrase is put there) once it is clean.
export function mountCheck(root, { conversation, onUse, onCopy }) {
  const area = h('textarea', {
    class: 'draft', rows: 2, spellcheck: 'false', 'aria-label': '回复框',
    placeholder: '在这里写回复:边打字边检查;输入 / 加短码调出话术',
  });
  const button = h('button', { type: 'button', class: 'btn', title: '检查后复制到剪贴板' }, '复制');
  const result = h('div', { class: 'check-result', 'aria-live': 'polite' });
  root.append(
    h('div', { class: 'section-head' }, h('h2', { text: '回复框' }), h('small', { text: `检查承诺 · 认责 · 广告法 · ${TAKE_KEY} 换成建议说法` })),
    result,
    h('div', { class: 'check-input' }, area, button));

  const check = attachReplyCheck(area, result, {
    conversation, onUse,
    busy: (on) => root.classList.toggle('busy', on),
  });

  // Copying out is the panel page's send: a reply with unseen flags is held
  // once, so the agent reads them before it goes.
  async function copyOut() {
    const text = area.value.trim();
    if (!text) return;
    if (!(await check.gate())) {
      result.prepend(h('p', { class: 'hold', text: '这句回复有风险,已标出:改一下,或再按一次复制仍然使用' }));
      return;
    }
    onCopy && onCopy(text);
  }
  button.addEventListener('click', copyOut);
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) copyOut();
  });

  return {
    area,
    recheck: check.recheck,
    setDraft: (text) => check.set(text),
  };
}
