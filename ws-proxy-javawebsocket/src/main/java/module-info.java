/**
 * ws-proxy on Java-WebSocket: the adapter a host's {@code WebSocketServer} delegates to, a ready
 * {@code JavaWebSocketEndpointServer}, and an upstream connector. Exports only {@code io.wsproxy.javawebsocket};
 * its {@code internal} packages (the workarounds for Java-WebSocket 1.6.0 among them) stay private.
 */
module io.wsproxy.javawebsocket {
  requires transitive io.wsproxy.core;
  requires transitive org.java_websocket;
  requires org.slf4j;

  exports io.wsproxy.javawebsocket;
}
