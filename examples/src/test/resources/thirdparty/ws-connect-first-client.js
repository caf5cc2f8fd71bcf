// A third-party client for ws-proxy's connect-first checks: the `ws` package's client.
// Usage: node ws-connect-first-client.js URL BURST
// Expects a backend started with `ws-server.js --prefer b,chat`. Prints one JSON line per check,
// then "DONE".
const WebSocket = require('ws');
const url = process.argv[2];
const burst = Number(process.argv[3]);

const report = (check, ok, detail) => console.log(JSON.stringify({ check, ok, detail }));

// Opens a connection; `onOpen` runs inside the 'open' event, before anything else can happen.
function open(protocols, onOpen) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.inbox = [];
    ws.waiters = [];
    ws.on('message', (data) => {
      const w = ws.waiters.shift();
      if (w) w(data.toString()); else ws.inbox.push(data.toString());
    });
    ws.once('open', () => {
      if (onOpen) onOpen(ws);
      resolve(ws);
    });
    ws.once('error', reject);
  });
}
function next(ws) {
  if (ws.inbox.length > 0) return Promise.resolve(ws.inbox.shift());
  return new Promise((resolve) => ws.waiters.push(resolve));
}

(async () => {
  // the backend prefers b: the client must get the backend's choice from its whole offer
  const chosen = await open(['a', 'b', 'c']);
  report('upstreamChoice', chosen.protocol === 'b', chosen.protocol);
  chosen.close(1000);

  const plain = await open([]);
  report('noOffer', plain.protocol === '', plain.protocol);
  plain.close(1000);

  // a burst sent in the 'open' handler, as soon as the client may send
  const sent = [];
  for (let i = 0; i < burst; i++) sent.push('burst-' + i);
  const ws = await open([], (w) => sent.forEach((m) => w.send(m)));
  const got = [];
  for (let i = 0; i < burst; i++) got.push(await next(ws));
  const firstWrong = got.findIndex((m, i) => m !== sent[i]);
  report('burstOnOpen', firstWrong < 0 && got.length === burst,
    firstWrong < 0 ? got.length : { at: firstWrong, got: got[firstWrong] });
  ws.close(1000);

  console.log('DONE');
  process.exit(0);
})().catch((e) => {
  report('error', false, String(e));
  console.log('DONE');
  process.exit(1);
});
