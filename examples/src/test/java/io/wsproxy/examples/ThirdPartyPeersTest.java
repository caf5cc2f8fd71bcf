package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Route;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.javawebsocket.JavaWebSocketUpstreamConnector;
import io.wsproxy.javawebsocket.JavaWebSocketEndpointServer;
import io.wsproxy.jdk.JdkUpstreamConnector;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy between two third-party peers: the {@code ws} npm package's client and server (see
 * {@link NodePeers}; skipped without Node.js and npm), over every relay behaviour.
 */
class ThirdPartyPeersTest {

  private static final List<String> CHECKS = List.of("subprotocol", "text", "binary1MiB",
      "fragmented", "order", "ping", "clientClose", "upstreamClose");

  @BeforeAll
  static void installWs() throws Exception {
    NodePeers.install();
  }

  @ParameterizedTest(name = "upstream {0}")
  @ValueSource(strings = {"jdk", "javawebsocket"})
  void carriesTheWsPackagesClientToItsServerWithEveryBehaviour(String upstream) throws Exception {
    try (NodePeers.Backend backend = NodePeers.startServer()) {
      Supplier<UpstreamConnector> connectors = upstream.equals("jdk")
          ? JdkUpstreamConnector::new : JavaWebSocketUpstreamConnector::new;
      try (UpstreamConnector connector = connectors.get();
          WebSocketProxy proxy = WebSocketProxy.builder().connector(connector)
              .routes(PathPrefixRoutes.builder()
                  .route("/", Route.to(URI.create(backend.uri())).withSubprotocols(List.of("chat")))
                  .build())
              .build();
          JavaWebSocketEndpointServer front = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), proxy)) {
        List<String> results = NodePeers.runClient("ws-client.js",
            "ws://127.0.0.1:" + front.port() + "/path?q=1");
        NodePeers.assertPassed(results, CHECKS);
        // what the third-party server saw: query kept, forwarded-for set, the client's close code
        List<String> seen = NodePeers.drain(backend.lines(), 2, "\"code\":4000");
        assertTrue(seen.stream().anyMatch(s -> s.contains("\"url\":\"/path?q=1\"")
            && s.contains("\"protocol\":\"chat\"") && s.contains("\"xff\":\"127.0.0.1\"")), seen::toString);
        assertTrue(seen.stream().anyMatch(s -> s.contains("\"code\":4000")
            && s.contains("\"reason\":\"bye\"")), seen::toString);
      }
    }
  }
}
