// Shared helpers of the three pages. Everything a user typed reaches the DOM through textContent or an attribute
// value, never through innerHTML: markup in a nick or a message is shown as the characters it is.

/** Creates an element; string children become text nodes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Sets text only when it changed, so a refresh of an unchanged table costs no layout. */
export function setText(node, text) {
  const value = text === null || text === undefined ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function fmtTime(value) {
  const d = value instanceof Date ? value : new Date(value);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function fmtSince(value) {
  const seconds = Math.max(0, Math.floor((Date.now() - new Date(value).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

export function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function base64ToBytes(b64) {
  const raw = atob(b64 || '');
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export function toHex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join(' ');
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Bytes as readable text: invalid UTF-8 becomes U+FFFD, control characters other than LF and tab are escaped (\r, \x01). */
export function toText(bytes) {
  // eslint-disable-next-line no-control-regex
  return decoder.decode(bytes).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g,
    c => c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A stable colour for a nick, so people are easy to tell apart. */
export function nickColour(nick) {
  let h = 0;
  for (const c of nick || '') h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 55% 38%)`;
}

/**
 * The page's WebSocket, reconnecting with back-off. onFrame gets each parsed frame; onStatus gets
 * 'connecting' | 'open' | 'closed'.
 */
export function connectSocket(path, onFrame, onStatus) {
  let socket = null;
  let delay = 500;
  let onOpen = null;
  const open = () => {
    onStatus('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}${path}`);
    socket.addEventListener('open', () => { delay = 500; onStatus('open'); onOpen?.(); });
    socket.addEventListener('message', e => {
      let frame;
      try { frame = JSON.parse(e.data); } catch { return; }
      onFrame(frame);
    });
    socket.addEventListener('close', () => {
      onStatus('closed');
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 8000);
    });
  };
  open();
  return {
    send(command) {
      if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(command)); return true; }
      return false;
    },
    set onOpen(fn) { onOpen = fn; },
  };
}

/** Shows the page's link to the server in the header. */
export function bindLinkStatus(node) {
  return status => {
    node.dataset.state = status;
    setText(node, status === 'open' ? 'live' : status === 'connecting' ? 'connecting…' : 'offline');
  };
}

/**
 * A log that stays fast at thousands of entries a second: entries wait in an array and are drawn once per
 * animation frame as one fragment; past the capacity the oldest rows are removed (a ring buffer of rows).
 */
export class LogView {
  constructor(container, render, capacity = 1000) {
    this.container = container;
    this.render = render;
    this.capacity = capacity;
    this.pending = [];
    this.entries = [];
    this.scheduled = false;
    this.paused = false;
    this.filter = () => true;
  }

  push(entry) {
    this.pending.push(entry);
    // While the page is hidden or paused, keep only what could be shown anyway.
    if (this.pending.length > this.capacity) this.pending.splice(0, this.pending.length - this.capacity);
    if (!this.scheduled && !this.paused) {
      this.scheduled = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  flush() {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const stick = this.container.scrollTop + this.container.clientHeight >= this.container.scrollHeight - 24;
    const fragment = document.createDocumentFragment();
    for (const entry of this.pending) {
      this.entries.push(entry);
      const row = this.render(entry);
      entry.row = row;
      if (!this.filter(entry)) row.hidden = true;
      fragment.append(row);
    }
    this.pending = [];
    this.container.append(fragment);
    const excess = this.entries.length - this.capacity;
    if (excess > 0) {
      for (const old of this.entries.splice(0, excess)) old.row?.remove();
    }
    if (stick) this.container.scrollTop = this.container.scrollHeight;
  }

  setPaused(paused) {
    this.paused = paused;
    if (!paused) this.flush();
  }

  refilter() {
    for (const entry of this.entries) entry.row.hidden = !this.filter(entry);
  }

  rerender() {
    const fragment = document.createDocumentFragment();
    for (const entry of this.entries) {
      entry.row = this.render(entry);
      if (!this.filter(entry)) entry.row.hidden = true;
      fragment.append(entry.row);
    }
    this.container.replaceChildren(fragment);
    this.container.scrollTop = this.container.scrollHeight;
  }

  clear() {
    this.entries = [];
    this.pending = [];
    this.container.replaceChildren();
  }
}

/** Offers text as a file download, from memory. */
export function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
