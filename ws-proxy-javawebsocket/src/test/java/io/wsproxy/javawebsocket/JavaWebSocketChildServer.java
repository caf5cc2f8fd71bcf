package io.wsproxy.javawebsocket;

import io.wsproxy.conformance.ChildServer;
import io.wsproxy.conformance.ConformanceFixture.RunningServer;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;

/** The {@link JavaWebSocketEndpointServer} for the kit's child JVM. */
public final class JavaWebSocketChildServer implements ChildServer {

  @Override
  public RunningServer start(WsEndpoint endpoint) throws Exception {
    JavaWebSocketEndpointServer server =
        JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
    return new RunningServer(server.port(), server);
  }
}
