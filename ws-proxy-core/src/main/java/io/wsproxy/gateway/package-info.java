/**
 * An embeddable JSON message gateway: {@link io.wsproxy.gateway.Gateway} is a transport-free
 * {@link io.wsproxy.spi.WsEndpoint}, so whatever transport serves the proxy serves the gateway.
 *
 * <p>A JSON-RPC session (client → gateway, then gateway → client):
 *
 * <pre>
 * → {"jsonrpc":"2.0","id":1,"method":"auth","params":{"token":"…"}}
 * ← {"jsonrpc":"2.0","id":1,"result":{"clientId":"7f…","principal":"ui"}}
 * → {"jsonrpc":"2.0","id":2,"method":"rooms.join","params":{"sessionId":"room"}}
 * ← {"jsonrpc":"2.0","id":2,"result":{"sessionId":"room","members":["7f…"],…}}
 * → {"jsonrpc":"2.0","id":3,"method":"rooms.broadcast","params":{"sessionId":"room","data":"hi"}}
 * ← {"jsonrpc":"2.0","id":3,"result":{"delivered":1}}
 *   (the other member gets {"event":"session.message","data":{"sessionId":"room","from":"7f…","data":"hi"},"sessionId":"room"})
 * → {"jsonrpc":"2.0","id":4,"method":"nope"}
 * ← {"jsonrpc":"2.0","id":4,"error":{"code":-32601,"message":"Unknown method: nope"}}
 * </pre>
 *
 * <p>The same in the envelope protocol:
 *
 * <pre>
 * → {"type":"connect","id":"a","payload":{"deviceId":"d1"},"timestamp":1700000000000}
 * ← {"type":"hello_ok","id":"a","payload":{"clientId":"7f…","authRequired":true,…},"timestamp":…}
 * → {"type":"session_join","id":"b","sessionId":"room"}
 * ← {"type":"session_join_ok","id":"b","sessionId":"room","payload":{…},"timestamp":…}
 * ← {"type":"presence","id":"evt-9","sessionId":"room","payload":{"clientId":"…","action":"join",…},…}
 * </pre>
 */
package io.wsproxy.gateway;
