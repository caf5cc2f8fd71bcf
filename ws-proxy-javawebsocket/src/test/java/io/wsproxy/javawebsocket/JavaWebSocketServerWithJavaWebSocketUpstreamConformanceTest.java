package io.wsproxy.javawebsocket;

import io.wsproxy.UpstreamConnector;
import io.wsproxy.WsEndpoint;
import io.wsproxy.conformance.TransportConformanceKit;
import java.net.InetSocketAddress;

/** The conformance kit for the Java-WebSocket {@link ProxyServer} with the Java-WebSocket upstream connector. */
class JavaWebSocketServerWithJavaWebSocketUpstreamConformanceTest extends TransportConformanceKit {

  @Override
  protected RunningServer startProxyServer(WsEndpoint endpoint) throws Exception {
    ProxyServer server = ProxyServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
    return new RunningServer(server.port(), server);
  }

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    return new JavaWebSocketUpstreamConnector();
  }
}
