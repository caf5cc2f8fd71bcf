// A third-party client for ws-proxy tests: the `ws` package's client. Usage: node ws-client.js URL
// Runs the checks one after another and prints one JSON line per result, then "DONE".
const WebSocket = require('ws');
const crypto = require('crypto');
const url = process.argv[2];

// 'message' events fire synchronously for every frame of a TCP chunk, so a persistent listener
// queues them; next() takes from the queue or waits for the next arrival.
function open(protocols) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.inbox = [];
    ws.waiters = [];
    ws.on('message', (data, isBinary) => {
      const m = { data, isBinary };
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
function closed(ws) {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}
const report = (check, ok, detail) => console.log(JSON.stringify({ check, ok, detail }));

(async () => {
  const ws = await open(['chat']);
  report('subprotocol', ws.protocol === 'chat', ws.protocol);

  ws.send('hello');
  let m = await next(ws);
  report('text', !m.isBinary && m.data.toString() === 'hello', m.data.toString());

  const big = crypto.randomBytes(1024 * 1024);
  ws.send(big);
  m = await next(ws);
  report('binary1MiB', m.isBinary && Buffer.compare(Buffer.from(m.data), big) === 0, m.data.length);

  ws.send('frag-', { fin: false });
  ws.send('ment-', { fin: false });
  ws.send('ed', { fin: true });
  m = await next(ws);
  report('fragmented', m.data.toString() === 'frag-ment-ed', m.data.toString());

  const order = [];
  for (let i = 0; i < 1000; i++) ws.send('m' + i);
  for (let i = 0; i < 1000; i++) order.push((await next(ws)).data.toString());
  report('order', order.every((v, i) => v === 'm' + i), order.length);

  const pong = new Promise((resolve) => ws.once('pong', (d) => resolve(d.toString())));
  ws.ping('are-you-there');
  report('ping', (await pong) === 'are-you-there', 'pong');

  const c = closed(ws);
  ws.close(4000, 'bye');
  const cc = await c;
  report('clientClose', cc.code === 4000 && cc.reason === 'bye', cc);

  const ws2 = await open();
  const c2 = closed(ws2);
  ws2.send('please-close');
  const uc = await c2;
  report('upstreamClose', uc.code === 4001 && uc.reason === 'later', uc);

  console.log('DONE');
  process.exit(0);
})().catch((e) => {
  report('error', false, String(e));
  console.log('DONE');
  process.exit(1);
});
