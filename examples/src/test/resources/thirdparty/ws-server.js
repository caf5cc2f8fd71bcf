// A third-party upstream for ws-proxy tests: the `ws` package's server on 127.0.0.1, port 0.
// Echoes every message (text stays text, binary stays binary). Prints "PORT <n>" once listening,
// and one JSON line per event the test asserts on.
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
});
wss.on('listening', () => console.log('PORT ' + wss.address().port));
wss.on('connection', (ws, req) => {
  console.log(JSON.stringify({ event: 'connection', url: req.url, protocol: ws.protocol,
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
