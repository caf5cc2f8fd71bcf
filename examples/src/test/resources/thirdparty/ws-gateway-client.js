// A third-party client of the gateway's agent profile: the `ws` package's client.
// Usage: node ws-gateway-client.js URL. Prints one JSON line per check, then "DONE".
const WebSocket = require('ws');
const url = process.argv[2];

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.inbox = [];
    ws.waiters = [];
    ws.stray = []; // replies to requests nobody is waiting on (see call)
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      const w = ws.waiters.shift();
      if (w) w(m); else ws.inbox.push(m);
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
function next(ws) {
  if (ws.inbox.length > 0) return Promise.resolve(ws.inbox.shift());
  return new Promise((resolve) => ws.waiters.push(resolve));
}
let ids = 0;
// Sends a request; answers {reply, events} once the reply with its id arrives.
async function call(ws, method, params, onEvent) {
  const id = ++ids;
  ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  const events = [];
  for (;;) {
    const m = await next(ws);
    if (m.id === id) return { reply: m, events };
    if (m.event) { events.push(m); if (onEvent) onEvent(m); } else ws.stray.push(m);
  }
}
const report = (check, ok, detail) => console.log(JSON.stringify({ check, ok, detail }));

(async () => {
  const ws = await open();
  let r = await call(ws, 'tools.list', {});
  report('tools.list', r.reply.result.tools.length === 3, r.reply.result.tools.map((t) => t.name));

  r = await call(ws, 'sessions.create', { title: 'third party' });
  const conversation = r.reply.result.conversationId;
  report('sessions.create', typeof conversation === 'string' && r.reply.result.active, r.reply.result);

  r = await call(ws, 'agent.send', { text: 'hello from ws' });
  const types = r.events.map((e) => e.data.type);
  report('agent.send', r.reply.result.text === 'You said: hello from ws'
      && types[0] === 'start' && types.includes('token') && types[types.length - 1] === 'done',
      { result: r.reply.result, types });

  let cancelled = null;
  const long = call(ws, 'agent.send', { text: 'a long long long long answer' }, (e) => {
    if (e.data.type === 'start') {
      cancelled = e.data.runId;
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'c1', method: 'agent.cancel', params: { runId: e.data.runId } }));
    }
  });
  r = await long;
  report('agent.cancel', cancelled !== null && r.reply.result.stopReason === 'cancelled', r.reply.result);

  r = await call(ws, 'sessions.history', { limit: 10 });
  report('sessions.history', r.reply.result.conversationId === conversation
      && r.reply.result.messages.length === 3, r.reply.result.messages.map((m) => m.role));

  r = await call(ws, 'sessions.list', {});
  report('sessions.list', r.reply.result.sessions.length === 1, r.reply.result);

  r = await call(ws, 'tools.invoke', { name: 'add', input: { a: 2, b: 3 } });
  report('tools.invoke', r.reply.result.output === 5, r.reply);

  r = await call(ws, 'system.health', {});
  report('system.health', r.reply.result.tools === 3 && r.reply.result.connections === 1, r.reply.result);

  const sleeping = ++ids;
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: sleeping, method: 'tools.invoke', params: { name: 'sleep', input: { ms: 10000 } } }));
  r = await call(ws, 'cancel', { id: sleeping });
  const answered = ws.stray.find((m) => m.id === sleeping) || await next(ws);
  report('cancel', r.reply.result.cancelled === true && answered.error.code === -32800, answered);

  // over the gateway's 1 MiB limit: answered in the protocol, then closed with 1009
  const closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'big', method: 'ping', params: { pad: 'x'.repeat(1100 * 1024) } }));
  let tooLarge;
  do { tooLarge = await next(ws); } while (tooLarge.event);
  const code = await closed;
  report('tooLarge', tooLarge.error && tooLarge.error.code === -32003 && code === 1009, { tooLarge, code });
  console.log('DONE');
  process.exit(0);
})().catch((e) => {
  console.log(JSON.stringify({ check: 'crash', ok: false, detail: String(e) }));
  console.log('DONE');
  process.exit(1);
});
