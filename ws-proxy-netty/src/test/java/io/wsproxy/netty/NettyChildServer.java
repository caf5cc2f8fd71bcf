package io.wsproxy.netty;

import io.wsproxy.conformance.ChildServer;
import io.wsproxy.conformance.ConformanceFixture.RunningServer;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;

/** The {@link NettyEndpointServer} for the kit's child JVM: one event loop, as small as it gets. */
public final class NettyChildServer implements ChildServer {

  @Override
  public RunningServer start(WsEndpoint endpoint) throws Exception {
    NettyEndpointServer server = NettyEndpointServer.builder(endpoint).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0));
    return new RunningServer(server.port(), server);
  }
}
