// copyText puts text on the clipboard. The async Clipboard API needs focus and
// permission (an embedded or headless page may have neither), so it is raced
// against a timeout and falls back to the old select-and-copy.

export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    const timeout = new Promise((resolve) => setTimeout(() => resolve(false), 800));
    const write = navigator.clipboard.writeText(text).then(() => true, () => false);
    if (await Promise.race([write, timeout])) return true;
  }
  const area = document.createElement('textarea');
  area.className = 'offscreen';
  area.value = text;
  area.setAttribute('readonly', '');
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  area.remove();
  return ok;
}
