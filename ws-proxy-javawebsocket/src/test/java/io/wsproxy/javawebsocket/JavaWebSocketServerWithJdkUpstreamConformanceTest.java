package io.wsproxy.javawebsocket;

import io.wsproxy.UpstreamConnector;
import io.wsproxy.WsEndpoint;
import io.wsproxy.conformance.TransportConformanceKit;
import io.wsproxy.jdk.JdkUpstreamConnector;
import java.net.InetSocketAddress;

/** The conformance kit for the Java-WebSocket {@link ProxyServer} with the JDK upstream connector. */
class JavaWebSocketServerWithJdkUpstreamConformanceTest extends TransportConformanceKit {

  @Override
  protected RunningServer startProxyServer(WsEndpoint endpoint) throws Exception {
    ProxyServer server = ProxyServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
    return new RunningServer(server.port(), server);
  }

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    return new JdkUpstreamConnector();
  }
}
