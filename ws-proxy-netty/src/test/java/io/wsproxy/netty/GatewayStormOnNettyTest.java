package io.wsproxy.netty;

import io.wsproxy.conformance.GatewayStormCases;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;

/** The gateway broadcast storm on the {@link NettyEndpointServer}, with two event loops as the kit has. */
class GatewayStormOnNettyTest extends GatewayStormCases {

  @Override
  protected RunningServer startProxyServer(WsEndpoint endpoint) throws Exception {
    NettyEndpointServer server = NettyEndpointServer.builder(endpoint).eventLoopThreads(2)
        .start(new InetSocketAddress("127.0.0.1", 0));
    return new RunningServer(server.port(), server);
  }
}
