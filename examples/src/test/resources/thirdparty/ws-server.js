// A third-party upstream for ws-proxy tests: the `ws` package's server on 127.0.0.1, port 0.
// Echoes every message (text stays text, binary stays binary). Prints "PORT <n>" once listening,
// and one JSON line per event the test asserts on.
// Usage: node ws-server.js [--prefer P1,P2,...] [--delay-ms N]
//   --prefer    subprotocols this server supports, most preferred first; it selects the first of
//               them the client offered, or none (default: chat)
//   --delay-ms  answer every upgrade this late, as a server that authenticates first (default: 0)
const { WebSocketServer } = require('ws');

function option(name, fallback) {
  const at = process.argv.indexOf('--' + name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}
const preferred = option('prefer', 'chat').split(',').filter((p) => p.length > 0);
const delayMs = Number(option('delay-ms', '0'));

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  handleProtocols: (protocols) => preferred.find((p) => protocols.has(p)) || false,
  verifyClient: (info, done) => (delayMs > 0 ? setTimeout(() => done(true), delayMs) : done(true)),
});
wss.on('listening', () => console.log('PORT ' + wss.address().port));
wss.on('connection', (ws, req) => {
  console.log(JSON.stringify({ event: 'connection', url: req.url, protocol: ws.protocol,
    offered: req.headers['sec-websocket-protocol'] || null,
    xff: req.headers['x-forwarded-for'] || null }));
  ws.on('message', (data, isBinary) => {
    if (!isBinary && data.toString() === 'please-close') {
      ws.close(4001, 'later');
      return;
    }
    ws.send(data, { binary: isBinary });
  });
  ws.on('close', (code, reason) => {
    console.log(JSON.stringify({ event: 'close', code, reason: reason.toString() }));
  });
});
process.stdin.on('end', () => process.exit(0)); // the test closes stdin to stop us
process.stdin.resume();
