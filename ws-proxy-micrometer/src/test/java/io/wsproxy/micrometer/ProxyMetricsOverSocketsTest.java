package io.wsproxy.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsproxy.AuthValidator;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.OriginFilter;
import io.wsproxy.ProxyListener;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.TestClient;
import io.wsproxy.conformance.UpstreamPeer;
import io.wsproxy.javawebsocket.JavaWebSocketEndpointServer;
import io.wsproxy.jdk.JdkUpstreamConnector;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ProxyMetrics} on a real proxy: the Java-WebSocket server, the JDK upstream connector, the
 * kit's upstream peer and JDK clients, all on 127.0.0.1.
 */
class ProxyMetricsOverSocketsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String TOKEN = "metrics-test-token-0123456789";
  private static final String ORIGIN = "https://app.example";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BlockingQueue<ConnectionSummary> ends = new LinkedBlockingQueue<>();
  private UpstreamPeer upstream;
  private JdkUpstreamConnector connector;
  private WebSocketProxy proxy;
  private JavaWebSocketEndpointServer server;

  @BeforeEach
  void start() throws Exception {
    upstream = UpstreamPeer.start();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort(); // closed again: nothing listens there
    }
    ProxyListener endings = new ProxyListener() {
      @Override
      public void connectionClosed(ConnectionInfo c, ConnectionSummary s) {
        ends.add(s);
      }
    };
    connector = new JdkUpstreamConnector();
    proxy = WebSocketProxy.builder()
        .route("/echo", upstream.uri("/").toString())
        .route("/down", "ws://127.0.0.1:" + deadPort)
        .originFilter(OriginFilter.allowList(ORIGIN))
        .authValidator(AuthValidator.bearerTokens(TOKEN))
        .listener(ProxyListener.compose(ProxyMetrics.create(registry), endings))
        .connector(connector)
        .build();
    server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), proxy);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      proxy.close();
      server.close();
      connector.close();
    }
    upstream.close();
  }

  private URI url(String path) {
    return URI.create("ws://127.0.0.1:" + server.port() + path);
  }

  private TestClient connect(String path) throws Exception {
    return TestClient.connect(url(path), b -> b.header("Origin", ORIGIN)
        .header("Authorization", "Bearer " + TOKEN));
  }

  private int refusedStatus(String path, String origin, boolean withToken) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> TestClient.connect(
        url(path), b -> {
          b.header("Origin", origin);
          if (withToken) {
            b.header("Authorization", "Bearer " + TOKEN);
          }
        }));
    return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse()
        .statusCode();
  }

  private ConnectionSummary nextEnd() throws InterruptedException {
    ConnectionSummary s = ends.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(s, "no connection ended within " + TIMEOUT);
    return s;
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void relayedTrafficRefusalsAFailedDialAndCloseCodesAreCounted() throws Exception {
    // a client relays three messages and closes with 1000
    TestClient a = connect("/echo");
    for (String m : new String[] {"one", "two", "three!"}) {
      a.sendText(m).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(m, a.next(TIMEOUT));
    }
    assertEquals(1.0, registry.get("wsproxy.connections.active").gauge().value());
    a.close(1000, "bye").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    ConnectionSummary first = nextEnd();

    // the upstream closes a second client with 4001
    TestClient b = connect("/echo");
    upstream.awaitConnection(TIMEOUT); // the first connection
    UpstreamPeer.Conn second = upstream.awaitConnection(TIMEOUT);
    second.close(4001, "kicked");
    assertEquals(4001, b.awaitClose(TIMEOUT).code());
    nextEnd();

    assertEquals(403, refusedStatus("/echo", "https://evil.example", true));
    assertEquals(401, refusedStatus("/echo", ORIGIN, false));
    assertEquals(502, refusedStatus("/down", ORIGIN, true));
    nextEnd();

    assertEquals(0.0, registry.get("wsproxy.connections.active").gauge().value());
    assertEquals(2.0, count("wsproxy.connections", "outcome", "served"));
    assertEquals(1.0, count("wsproxy.connections", "outcome", "upstream_failed"));
    assertEquals(3.0, count("wsproxy.messages", "direction", "to_upstream"));
    assertEquals(3.0, count("wsproxy.messages", "direction", "to_client"));
    // text counts its UTF-8 length, or (Java-WebSocket holds strings) an upper bound: 3 per char
    assertEquals(first.bytesToUpstream(), count("wsproxy.bytes", "direction", "to_upstream"));
    assertEquals(first.bytesToClient(), count("wsproxy.bytes", "direction", "to_client"));
    assertTrue(first.bytesToUpstream() >= 12 && first.bytesToUpstream() <= 36);
    assertEquals(1.0, count("wsproxy.handshake.refused", "reason", "forbidden", "status", "403"));
    assertEquals(1.0, count("wsproxy.handshake.refused", "reason", "unauthorized",
        "status", "401"));
    assertEquals(1.0, count("wsproxy.closes", "side", "client", "code", "1000"));
    assertEquals(1.0, count("wsproxy.closes", "side", "upstream", "code", "1000"));
    assertEquals(1.0, count("wsproxy.closes", "side", "upstream", "code", "4xxx"));
    assertEquals(2, registry.get("wsproxy.upstream.connect").tag("outcome", "success").timer()
        .count());
    assertEquals(1, registry.get("wsproxy.upstream.connect").tag("outcome", "unreachable")
        .timer().count());
  }
}
