package io.wsproxy.netty;

import io.wsproxy.conformance.TransportConformanceKit;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;

/**
 * The conformance kit with the {@link NettyProxyServer} as the server under test; a subclass picks
 * the upstream connector. Two event loops, so connections of one test share loops as in production.
 */
abstract class NettyServerConformanceKit extends TransportConformanceKit {

  @Override
  protected RunningServer startProxyServer(WsEndpoint endpoint) throws Exception {
    NettyProxyServer server = NettyProxyServer.builder(endpoint).eventLoopThreads(2)
        .start(new InetSocketAddress("127.0.0.1", 0));
    return new RunningServer(server.port(), server);
  }
}
