package io.wsproxy.netty;

import io.wsproxy.conformance.TransportConformanceKit;
import io.wsproxy.javawebsocket.JavaWebSocketEndpointServer;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;

/**
 * The conformance kit for the Java-WebSocket {@link JavaWebSocketEndpointServer} with the
 * {@link NettyUpstreamConnector}: no Netty affinity, so the connector runs its upstreams on its own
 * event loops.
 */
class JavaWebSocketServerWithNettyUpstreamConformanceTest extends TransportConformanceKit {

  @Override
  protected RunningServer startProxyServer(WsEndpoint endpoint) throws Exception {
    JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
    return new RunningServer(server.port(), server);
  }

  @Override
  protected UpstreamConnector newUpstreamConnector() {
    return NettyUpstreamConnector.builder().eventLoopThreads(1).build();
  }

  @Override
  protected boolean upstreamPausesReading() {
    return true; // auto-read off while the client cannot take more
  }
}
