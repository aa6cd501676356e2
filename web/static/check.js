// The draft checker: the agent pastes or types a reply before sending it and
// sees at once whether it promises what the shop cannot, admits fault too
// early or uses words the advertising law forbids, with wording to use instead.

import { api, shopPath } from './api.js';
import { h, highlight, mentions } from './dom.js';
import { kindLabel } from './labels.js';
import { suggestedBlock } from './cards.js';

const DEBOUNCE_MS = 250;

// mountCheck builds the checker in root. conversation() gives the id drafts
// are checked in (the shop's terms depend on the product in view there);
// onUse(text, nudge) runs when the agent takes the compliant wording.
export function mountCheck(root, { conversation, onUse }) {
  const area = h('textarea', {
    class: 'draft', rows: 2, spellcheck: 'false', 'aria-label': '草稿',
    placeholder: '粘贴或输入准备发送的回复,边打字边检查',
  });
  const button = h('button', { type: 'button', class: 'btn' }, '检查');
  const result = h('div', { class: 'check-result', 'aria-live': 'polite' });
  root.append(
    h('div', { class: 'section-head' }, h('h2', { text: '检查草稿' }), h('small', { text: '承诺 · 认责 · 广告法' })),
    result,
    h('div', { class: 'check-input' }, area, button));

  let timer = 0;
  let inflight = null;
  let seq = 0;

  async function run() {
    clearTimeout(timer);
    if (inflight) inflight.abort();
    const text = area.value.trim();
    const mine = ++seq;
    if (!text) {
      result.replaceChildren();
      return;
    }
    inflight = new AbortController();
    root.classList.add('busy');
    try {
      const res = await api('POST', shopPath('/check'), { conversation: conversation() || '', text }, { signal: inflight.signal });
      if (mine === seq) show(res || {}, text);
    } catch (err) {
      if (err.name !== 'AbortError' && mine === seq) {
        result.replaceChildren(h('p', { class: 'error', text: `检查失败:${err.message}` }));
      }
    } finally {
      if (mine === seq) root.classList.remove('busy');
    }
  }

  function use(text, n) {
    area.value = text;
    run();
    onUse(text, n);
  }

  function show(res, text) {
    const nudges = res.nudges || [];
    if (!nudges.length) {
      result.replaceChildren(h('p', { class: 'ok', text: '✓ 没有发现越权承诺、过早认责或绝对化用语' }));
      return;
    }
    const words = nudges.flatMap((n) => n.triggers || []);
    result.replaceChildren(
      h('p', { class: 'draft-echo' }, highlight(text, words)),
      ...nudges.map((n) => h('div', { class: `issue kind-${n.kind}`, dataset: { kind: n.kind } },
        h('div', { class: 'issue-head' },
          h('span', { class: 'kind', text: kindLabel(n.kind) }),
          n.label ? h('span', { class: 'category', text: n.label }) : null),
        h('p', { class: 'reason' }, highlight(n.reason || '', n.triggers)),
        !mentions(n.reason || '', n.triggers) && (n.triggers || []).length
          ? h('p', { class: 'triggers' }, '触发词 ', n.triggers.map((w) => h('mark', { text: w }))) : null,
        // The wording to use says more than the advice; show the advice only without it.
        n.suggested ? suggestedBlock(n.suggested, (t) => use(t, n), '改用这个说法')
          : n.action ? h('p', { class: 'action' }, h('b', { text: '怎么做 ' }), n.action) : null)));
  }

  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run();
  });
  button.addEventListener('click', run);

  return {
    recheck: run,
    setDraft(text) {
      area.value = text;
      run();
    },
  };
}
