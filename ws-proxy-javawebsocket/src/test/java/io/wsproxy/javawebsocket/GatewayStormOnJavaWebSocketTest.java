package io.wsproxy.javawebsocket;

import io.wsproxy.conformance.GatewayStormCases;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;

/** The gateway broadcast storm on the ready {@link JavaWebSocketEndpointServer}. */
class GatewayStormOnJavaWebSocketTest extends GatewayStormCases {

  @Override
  protected RunningServer startProxyServer(WsEndpoint endpoint) throws Exception {
    JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(
        new InetSocketAddress("127.0.0.1", 0), endpoint);
    return new RunningServer(server.port(), server);
  }
}
