import { $, el, setText, fmtTime, nickColour, connectSocket, bindLinkStatus, LogView } from './common.js';

let me = null;
let active = null;
let joined = [];
const logs = new Map(); // one capped view per room; only the active one is on screen
const messages = $('#messages');

function render(m) {
  if (!m.nick) {
    return el('div', { class: `msg notice ${m.kind ?? ''}` }, el('time', { text: fmtTime(m.at) }), el('span', { class: 'text', text: m.text }));
  }
  const nick = el('span', { class: 'nick', text: m.nick });
  // Through the CSSOM, not a style attribute: the page's CSP allows no inline styles.
  nick.style.color = nickColour(m.nick);
  return el('div', { class: `msg${m.nick === me ? ' mine' : ''}${m.kind === 'private' ? ' private' : ''}`, dataset: { nick: m.nick } },
    el('time', { text: fmtTime(m.at) }), nick, el('span', { class: 'text', text: m.text }));
}

function roomLog(room) {
  let log = logs.get(room.toLowerCase());
  if (!log) {
    log = new LogView(el('div', { class: 'room-log', dataset: { room } }), render, 500);
    log.seen = new Set();
    log.lastId = null; // the highest message id shown: where a resume after a reconnect starts
    logs.set(room.toLowerCase(), log);
  }
  return log;
}

// A message said while a room's history was being read arrives twice (history and live); show it once.
function add(room, m) {
  const log = roomLog(room);
  if (m.id) {
    if (log.seen.has(m.id)) return;
    log.seen.add(m.id);
    if (log.lastId === null || m.id > log.lastId) log.lastId = m.id;
    if (log.seen.size > 2000) log.seen = new Set([...log.seen].slice(-1000));
  }
  log.push(m);
}

function show(room) {
  active = room;
  setText($('#room-title'), room ? `#${room}` : '');
  messages.replaceChildren(room ? roomLog(room).container : '');
  messages.scrollTop = messages.scrollHeight;
  renderJoined();
  $('#compose').focus();
}

function renderJoined() {
  $('#joined').replaceChildren(...joined.map(r => el('li', { class: r.toLowerCase() === active?.toLowerCase() ? 'active' : '' },
    el('a', { href: '#', text: `#${r}`, onclick: e => { e.preventDefault(); show(r); } }),
    el('button', { type: 'button', class: 'leave', title: 'leave', text: '×', onclick: () => socket.send({ op: 'leave', room: r }) }))));
}

const socket = connectSocket('/ws/chat', onFrame, bindLinkStatus($('#link')));
// After a reconnect (its node restarted, say) the server has forgotten this page: enter again with the same nick
// and rooms, each from the last message id the page has, so what was said meanwhile arrives once and nothing twice.
// Ids are global, so this holds whichever node of a cluster the page is served by.
socket.onOpen = () => {
  if (!me) return;
  const rooms = [...joined];
  const since = room => logs.get(room.toLowerCase())?.lastId ?? null;
  socket.send({ op: 'nick', nick: me.replace(/@web$/, ''), room: rooms[0] ?? null, since: rooms.length ? since(rooms[0]) : null });
  for (const room of rooms.slice(1)) socket.send({ op: 'join', room, since: since(room) });
};

function onFrame(frame) {
  switch (frame.type) {
    case 'welcome':
      me = frame.nick;
      joined = [];
      setText($('#me'), me);
      $('#enter-panel').hidden = true;
      $('#chat-panel').hidden = false;
      break;
    case 'rooms':
      $('#room-list').replaceChildren(...frame.rooms.map(r => el('option', { value: r })));
      if (!$('#room').value && frame.rooms.length) $('#room').placeholder = frame.rooms[0];
      joined = frame.joined;
      if (me && (!active || !joined.some(r => r.toLowerCase() === active.toLowerCase()))) show(joined[0] ?? null);
      else renderJoined();
      break;
    case 'history': {
      const log = roomLog(frame.room);
      if (!frame.resumed) {
        log.clear();
        log.seen.clear();
        log.lastId = null;
      }
      for (const m of frame.messages) add(frame.room, { ...m, kind: 'history' });
      if (!frame.resumed || !active) show(frame.room);
      else renderJoined();
      break;
    }
    case 'chat':
      for (const e of frame.items) {
        if (e.kind === 'announce') {
          for (const room of joined) add(room, { at: e.at, room, nick: null, text: `announcement from ${e.nick}: ${e.text}`, kind: 'announce' });
        } else if (e.room) {
          add(e.room, { id: e.messageId, at: e.at, room: e.room, nick: e.kind === 'message' ? e.nick : null, text: e.text, kind: e.kind });
        } else if (active) {
          // Not of a room (a private message, a command's answer, an error): shown where the user is looking.
          const text = e.kind !== 'private' ? e.text : e.target === me ? `(private) ${e.text}` : `(private to ${e.target}) ${e.text}`;
          add(active, { id: e.messageId, at: e.at, room: active, nick: e.kind === 'private' ? e.nick : null, text, kind: e.kind });
          if (e.kind === 'error') setText($('#result'), e.text);
        }
      }
      break;
    case 'ended':
      // Kicked or banned: back to the entry form with the reason, and no entering again by itself on a reconnect.
      me = null;
      active = null;
      joined = [];
      $('#chat-panel').hidden = true;
      $('#enter-panel').hidden = false;
      $('#enter-result').dataset.ok = false;
      setText($('#enter-result'), frame.reason);
      break;
    case 'result': {
      const target = me ? $('#result') : $('#enter-result');
      target.dataset.ok = frame.ok;
      setText(target, frame.ok ? '' : frame.message);
      break;
    }
  }
}

$('#enter-form').addEventListener('submit', e => {
  e.preventDefault();
  socket.send({ op: 'nick', nick: $('#nick').value.trim(), room: $('#room').value.trim() || null });
});
$('#join-form').addEventListener('submit', e => {
  e.preventDefault();
  const room = $('#join-room').value.trim();
  if (room && socket.send({ op: 'join', room })) $('#join-room').value = '';
});
$('#say-form').addEventListener('submit', e => {
  e.preventDefault();
  const text = $('#compose').value;
  if (active && text.trim() && socket.send({ op: 'say', room: active, text })) $('#compose').value = '';
});
