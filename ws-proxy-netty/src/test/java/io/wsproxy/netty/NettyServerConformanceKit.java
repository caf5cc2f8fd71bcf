package io.wsproxy.netty;

import io.wsproxy.conformance.TransportConformanceKit;
import io.wsproxy.javawebsocket.internal.GuardedFactory;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;

/**
 * The conformance kit with the {@link NettyEndpointServer} as the server under test; a subclass picks
 * the upstream connector. Two event loops, so connections of one test share loops as in production
 * (one for the cases that need two connections on the same loop).
 * The kit's upstream peers (Java-WebSocket servers) get the Java-WebSocket module's end-of-stream
 * repair: Java-WebSocket 1.6.0 drops frames that arrive with a FIN, and the JDK connector
 * half-closes right after its close frame, which the peer would otherwise report as 1006.
 */
abstract class NettyServerConformanceKit extends TransportConformanceKit {

  @Override
  protected WebSocketServerFactory newUpstreamServerFactory() {
    return GuardedFactory.endOfStreamOnly(new DefaultWebSocketServerFactory());
  }

  @Override
  protected RunningServer startProxyServer(WsEndpoint endpoint) throws Exception {
    NettyEndpointServer server = NettyEndpointServer.builder(endpoint).eventLoopThreads(2)
        .start(new InetSocketAddress("127.0.0.1", 0));
    return new RunningServer(server.port(), server);
  }

  @Override
  protected RunningServer startSingleLoopProxyServer(WsEndpoint endpoint) throws Exception {
    NettyEndpointServer server = NettyEndpointServer.builder(endpoint).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0));
    return new RunningServer(server.port(), server);
  }
}
