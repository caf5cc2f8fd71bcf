package io.wsproxy.javawebsocket;

import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.conformance.TransportConformanceKit;
import io.wsproxy.javawebsocket.internal.GuardedFactory;
import java.net.InetSocketAddress;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;

/**
 * The conformance kit with the Java-WebSocket {@link JavaWebSocketEndpointServer} as the server under test; a
 * subclass picks the upstream connector. The kit's upstream peers (Java-WebSocket servers too) get
 * the same end-of-stream guard as the proxy's server, so a connector that half-closes right after
 * its close frame is not failed by the peer's own Java-WebSocket race.
 */
abstract class JavaWebSocketServerConformanceKit extends TransportConformanceKit {

  @Override
  protected RunningServer startProxyServer(WsEndpoint endpoint) throws Exception {
    JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
    return new RunningServer(server.port(), server);
  }

  @Override
  protected WebSocketServerFactory newUpstreamServerFactory() {
    return GuardedFactory.endOfStreamOnly(new DefaultWebSocketServerFactory());
  }
}
