import { $, el, setText, fmtTime, fmtBytes, base64ToBytes, toHex, toText, connectSocket, bindLinkStatus, LogView, download } from './common.js';

const view = $('#view');
const showSent = $('#show-sent');
const status = $('#status');
let state = 'unconnected';

const log = new LogView($('#log'), renderEntry, 2000);
log.filter = e => e.dir !== 'out' || showSent.checked;

function renderEntry(e) {
  const mode = view.value;
  return el('div', { class: `entry ${e.dir}`, dataset: { dir: e.dir } },
    el('time', { text: fmtTime(e.at) }),
    el('span', { class: 'dir', text: e.dir === 'in' ? '←' : e.dir === 'out' ? '→' : '•', title: e.dir === 'in' ? 'received' : e.dir === 'out' ? 'sent' : 'status' }),
    e.from ? el('span', { class: 'from', text: e.from }) : null,
    e.note !== undefined ? el('span', { class: 'note', text: e.note }) : null,
    e.bytes && mode !== 'hex' ? el('span', { class: 'text', text: toText(e.bytes).replace(/\n$/, '') }) : null,
    e.bytes && mode !== 'text' ? el('span', { class: 'hex', text: toHex(e.bytes) }) : null,
    e.bytes ? el('span', { class: 'len', text: `${e.bytes.length} B` }) : null);
}

const socket = connectSocket('/ws/client', onFrame, bindLinkStatus($('#link')));

function onFrame(frame) {
  switch (frame.type) {
    case 'state': setState(frame); break;
    case 'data': log.push({ at: frame.at, dir: frame.dir, from: frame.from, bytes: base64ToBytes(frame.data) }); break;
    case 'counters':
      setText($('#bytes-in'), fmtBytes(frame.bytesIn));
      setText($('#bytes-out'), fmtBytes(frame.bytesOut));
      setText($('#chunks'), `${frame.chunksIn} / ${frame.chunksOut}`);
      break;
    case 'result':
      $('#result').dataset.ok = frame.ok;
      setText($('#result'), frame.ok ? '' : `${frame.op}: ${frame.message}`);
      break;
  }
}

function setState(frame) {
  state = frame.state;
  status.dataset.state = state;
  setText(status, { unconnected: 'Unconnected', connecting: 'Connecting…', connected: 'Connected' }[state] ?? state);
  const connected = state === 'connected';
  $('#connect').disabled = state !== 'unconnected';
  $('#disconnect').disabled = !connected;
  $('#send').disabled = !connected;
  const detail = connected ? `${frame.transport} ${frame.local} → ${frame.remote}` : frame.detail ?? '';
  setText($('#detail'), detail);
  if (state !== 'connecting' && (connected || frame.detail)) {
    log.push({ at: new Date().toISOString(), dir: 'status', note: connected ? `connected: ${detail}` : `disconnected${frame.detail ? ': ' + frame.detail : ''}` });
  }
}

function showFields() {
  const transport = $('#transport').value;
  for (const n of document.querySelectorAll('.net')) n.hidden = transport === 'unix';
  for (const n of document.querySelectorAll('.unix')) n.hidden = transport !== 'unix';
  for (const n of document.querySelectorAll('.tls')) n.hidden = transport !== 'tls';
}
$('#transport').addEventListener('change', showFields);
showFields();

$('#connect-form').addEventListener('submit', e => {
  e.preventDefault();
  socket.send({ op: 'connect', transport: $('#transport').value, host: $('#host').value.trim(), port: Number($('#port').value),
    path: $('#path').value.trim(), insecure: $('#insecure').checked });
});
$('#disconnect').addEventListener('click', () => socket.send({ op: 'disconnect' }));

$('#send-mode').addEventListener('change', () => { $('#ending').disabled = $('#send-mode').value === 'hex'; });
$('#send-form').addEventListener('submit', e => {
  e.preventDefault();
  const text = $('#send-text').value;
  const command = $('#send-mode').value === 'hex' ? { op: 'send', hex: text } : { op: 'send', text, ending: $('#ending').value };
  if (socket.send(command)) $('#send-text').value = '';
});

view.addEventListener('change', () => log.rerender());
showSent.addEventListener('change', () => log.refilter());
$('#clear').addEventListener('click', () => log.clear());
$('#save').addEventListener('click', () => {
  const lines = log.entries.map(e => {
    const head = `${e.at} ${e.dir === 'in' ? '<' : e.dir === 'out' ? '>' : '*'}${e.from ? ' ' + e.from : ''}`;
    if (!e.bytes) return `${head} ${e.note}`;
    return view.value === 'hex' ? `${head} ${toHex(e.bytes)}` : `${head} ${toText(e.bytes).replace(/\n$/, '')}`;
  });
  download(`switchboard-client-${new Date().toISOString().replace(/[:.]/g, '-')}.log`, lines.join('\n') + '\n');
});
