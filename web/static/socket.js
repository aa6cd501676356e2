// LiveSocket keeps one WebSocket to a conversation open. After a drop it
// reconnects with capped exponential backoff and jitter, so a restarted server
// is not hit by every panel at the same instant.

const MIN_DELAY = 500;
const MAX_DELAY = 15000;

export class LiveSocket {
  constructor(url, { onMessage, onState, onDrop }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onState = onState || (() => {});
    this.onDrop = onDrop || (() => {});
    this.attempt = 0;
    this.closed = false;
    this.ws = null;
    this.timer = 0;
    this.connect();
  }

  connect() {
    if (this.closed) return;
    this.onState('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.onState('open');
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws || this.closed) return;
      this.ws = null;
      const delay = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempt) * (0.5 + Math.random() / 2);
      this.attempt++;
      this.onState('waiting', Math.ceil(delay / 1000));
      this.timer = setTimeout(() => this.connect(), delay);
      this.onDrop(ev, this.attempt);
    };
  }

  get open() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  send(msg) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  // reconnectNow skips the remaining backoff (the page came back online).
  reconnectNow() {
    if (this.closed || this.ws) return;
    clearTimeout(this.timer);
    this.connect();
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'switch');
    this.onState('closed');
  }
}
