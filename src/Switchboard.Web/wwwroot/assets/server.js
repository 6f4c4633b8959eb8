import { $, el, setText, fmtTime, fmtSince, fmtBytes, connectSocket, bindLinkStatus, LogView } from './common.js';

const listenersBody = $('#listeners tbody');
const sessionsBody = $('#sessions tbody');
const target = $('#send-target');
const result = $('#result');
const rows = new Map();
let eventsSeen = 0;
let dropped = 0;
let rateCount = 0;

const hidden = new Set();
const log = new LogView($('#events'), e => el('div', { class: `ev ev-${e.kind}`, dataset: { kind: e.kind } },
  el('time', { text: fmtTime(e.at) }),
  el('span', { class: 'kind', text: e.kind }),
  e.sessionId || e.nick ? el('span', { class: 'who', text: [e.sessionId ? `#${e.sessionId}` : '', e.nick ?? ''].join(' ').trim() }) : null,
  e.room ? el('span', { class: 'room', text: e.room }) : null,
  el('span', { class: 'text', text: e.text })), 1000);
log.filter = e => !hidden.has(e.kind);

const socket = connectSocket('/ws/server', onFrame, bindLinkStatus($('#link')));

function onFrame(frame) {
  switch (frame.type) {
    case 'snapshot': renderSnapshot(frame); break;
    case 'addresses': renderChoices(frame); break;
    case 'events':
      for (const e of frame.items) log.push(e);
      eventsSeen += frame.items.length;
      rateCount += frame.items.length;
      dropped += frame.dropped;
      setText($('#ev-count'), `${eventsSeen} received${dropped ? `, ${dropped} skipped at the server` : ''}`);
      break;
    case 'result':
      result.dataset.ok = frame.ok;
      setText(result, frame.ok ? `${frame.op}: done` : `${frame.op}: ${frame.message}`);
      break;
  }
}

setInterval(() => { setText($('#st-rate'), rateCount); rateCount = 0; }, 1000);

function renderSnapshot(s) {
  $('#nav-client').hidden = !s.clientPage;
  renderListeners(s.listeners);
  const seen = new Set();
  let bytesIn = 0, bytesOut = 0;
  for (const c of s.sessions) {
    seen.add(c.id);
    bytesIn += c.bytesIn;
    bytesOut += c.bytesOut;
    let row = rows.get(c.id);
    if (!row) {
      row = newRow(c.id);
      rows.set(c.id, row);
      sessionsBody.append(row.tr);
      target.append(row.option);
    }
    updateRow(row, c);
  }
  for (const [id, row] of rows) {
    if (!seen.has(id)) { row.tr.remove(); row.option.remove(); rows.delete(id); }
  }
  renderStatusIcon(s.listeners, s.totalSessions);
  setText($('#st-conns'), s.totalSessions);
  setText($('#conn-total'), s.totalSessions > s.sessions.length ? `(showing ${s.sessions.length} of ${s.totalSessions})` : `(${s.totalSessions})`);
  setText($('#st-bytes'), `${fmtBytes(bytesIn)} / ${fmtBytes(bytesOut)}`);
}

// The server window's status icon: not listening, listening with nobody connected, or clients connected.
function renderStatusIcon(listeners, sessions) {
  const icon = $('#st-icon');
  const listening = listeners.some(l => l.listening);
  const state = sessions > 0 ? 'clients' : listening ? 'listening' : 'off';
  if (icon.dataset.state === state) return;
  icon.dataset.state = state;
  const words = state === 'clients' ? `${sessions} client${sessions === 1 ? '' : 's'} connected` : state === 'listening' ? 'listening, no clients' : 'not listening';
  icon.setAttribute('aria-label', words);
  icon.title = words;
}

let shownListeners = '';

function renderListeners(listeners) {
  // Redraw only on change: replacing the buttons every refresh could swallow a click in progress.
  const key = JSON.stringify(listeners);
  if (key === shownListeners) return;
  shownListeners = key;
  $('#no-server').hidden = listeners.length > 0;
  const listening = listeners.filter(l => l.listening).length;
  const st = $('#st-server');
  st.dataset.state = listeners.length === 0 ? 'unknown' : listening === listeners.length ? 'up' : listening > 0 ? 'partial' : 'down';
  setText(st, listeners.length === 0 ? 'none' : `${listening} of ${listeners.length} listening`);
  const fragment = document.createDocumentFragment();
  for (const l of listeners) {
    const button = el('button', { type: 'button', class: l.listening ? 'stop' : 'start', text: l.listening ? 'Stop' : 'Start',
      disabled: !l.canStartStop, title: l.canStartStop ? null : 'this server does not start or stop single listeners',
      onclick: () => socket.send({ op: l.listening ? 'stop' : 'start', name: l.name }) });
    // Besides stopping (the connections carry on): stop and disconnect everyone who came in through it.
    const stopAll = l.listening ? el('button', { type: 'button', class: 'stop-all danger', text: 'Stop and disconnect everyone',
      disabled: !l.canStartStop, onclick: () => socket.send({ op: 'stop-all', name: l.name }) }) : null;
    fragment.append(el('tr', { dataset: { name: l.name } },
      el('td', { text: l.name }), el('td', { text: l.transport }), el('td', { text: l.address }),
      el('td', { text: l.port ?? '' }), el('td', { text: l.tls ? 'yes' : 'no' }),
      el('td', {}, el('span', { class: 'dot', dataset: { state: l.listening ? 'up' : 'down' }, text: l.listening ? 'listening' : 'stopped' })),
      el('td', { class: 'num', text: l.connections }), el('td', { class: 'actions' }, button, stopAll)));
  }
  listenersBody.replaceChildren(fragment);
}

// What a new listener may be: the machine's own addresses, loopback first, as the Qt server window's IP drop-down;
// TLS only with the server's certificate; Unix sockets only under the directories the operator listed. A choice
// that is not available is disabled, and the note beside the form says why.
const unavailable = { tls: null, unix: null };

function renderChoices(frame) {
  const select = $('#add-address');
  const chosen = select.value;
  select.replaceChildren(...frame.addresses.map(a => el('option', { value: a, text: a })));
  if (frame.addresses.includes(chosen)) select.value = chosen;
  const dirs = frame.unixDirectories ?? [];
  unavailable.tls = frame.tlsUnavailable ?? null;
  unavailable.unix = dirs.length ? null : 'no directory is allowed for them (Web:ListenerUnixDirectories)';
  const transport = $('#add-transport');
  for (const option of transport.options) {
    const why = unavailable[option.value] ?? null;
    option.disabled = why !== null;
    option.title = why ?? '';
  }
  if (transport.selectedOptions[0]?.disabled) transport.value = 'tcp';
  const path = $('#add-path');
  path.placeholder = dirs.length ? `${dirs[0]}/chat.sock` : '';
  path.title = dirs.length ? `under ${dirs.join(', ')}` : '';
  showTransport();
}

// The address and port for TCP and TLS, the path for a Unix socket.
function showTransport() {
  const unix = $('#add-transport').value === 'unix';
  for (const n of document.querySelectorAll('#add-form .add-net')) n.hidden = unix;
  for (const n of document.querySelectorAll('#add-form .add-unix')) n.hidden = !unix;
  const notes = [];
  if (unavailable.tls) notes.push(`TLS: ${unavailable.tls}`);
  if (unavailable.unix) notes.push(`Unix sockets: ${unavailable.unix}`);
  setText($('#add-note'), notes.join('; '));
}

$('#add-transport').addEventListener('change', showTransport);

$('#add-form').addEventListener('submit', e => {
  e.preventDefault();
  const transport = $('#add-transport').value;
  if (transport === 'unix') {
    socket.send({ op: 'add', transport, path: $('#add-path').value });
    return;
  }
  const port = Number($('#add-port').value || '0');
  socket.send({ op: 'add', transport, host: $('#add-address').value, port });
});

function newRow(id) {
  const cells = {};
  const td = (name, cls) => (cells[name] = el('td', { class: cls ? `${name} ${cls}` : name }));
  const tr = el('tr', { dataset: { id } },
    td('id'), td('transport'), td('peer'), td('nick'), td('room'), td('since'), td('in', 'num'), td('out', 'num'), td('msgs', 'num'),
    el('td', { class: 'actions' },
      el('button', { type: 'button', class: 'send', text: 'Send…', onclick: () => { target.value = String(id); $('#send-text').focus(); } }),
      el('button', { type: 'button', class: 'kick danger', text: 'Kick', onclick: () => socket.send({ op: 'kick', id }) })));
  return { tr, cells, option: el('option', { value: id }) };
}

function updateRow(row, c) {
  const { cells } = row;
  row.tr.dataset.nick = c.nick ?? '';
  setText(cells.id, c.id);
  setText(cells.transport, c.transport);
  setText(cells.peer, c.peer);
  setText(cells.nick, c.nick ?? '');
  setText(cells.room, c.room ?? '');
  setText(cells.since, fmtSince(c.since));
  cells.since.title = new Date(c.since).toLocaleString();
  setText(cells.in, fmtBytes(c.bytesIn));
  setText(cells.out, fmtBytes(c.bytesOut));
  setText(cells.msgs, `${c.messagesIn} / ${c.messagesOut}`);
  setText(row.option, `#${c.id} ${c.nick ?? c.peer}`);
}

$('#send-form').addEventListener('submit', e => {
  e.preventDefault();
  const text = $('#send-text').value;
  if (!target.value) { setText(result, 'choose a connection to send to'); return; }
  if (text && socket.send({ op: 'send', id: Number(target.value), text })) $('#send-text').value = '';
});

$('#announce-form').addEventListener('submit', e => {
  e.preventDefault();
  const text = $('#announce-text').value;
  if (text.trim() && socket.send({ op: 'announce', text })) $('#announce-text').value = '';
});

for (const box of document.querySelectorAll('.toolbar input[data-kind]')) {
  box.addEventListener('change', () => {
    if (box.checked) hidden.delete(box.dataset.kind); else hidden.add(box.dataset.kind);
    log.refilter();
  });
}

$('#ev-pause').addEventListener('click', e => {
  log.setPaused(!log.paused);
  e.target.textContent = log.paused ? 'Resume' : 'Pause';
});
$('#ev-clear').addEventListener('click', () => log.clear());
