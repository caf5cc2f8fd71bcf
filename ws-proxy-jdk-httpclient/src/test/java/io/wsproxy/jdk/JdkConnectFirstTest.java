package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.spi.PendingHandshake;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.protocols.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core's connect-first handshake over this connector and real sockets: what a client is
 * answered for each way an upstream can answer the dial. (The socket-level client side is the
 * server transports' conformance kit; this checks the connector's failure kinds end up as the
 * statuses the issue asks for.)
 */
class JdkConnectFirstTest {

  private static final long WAIT = RecordingListener.WAIT_SECONDS;
  private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

  private final JdkUpstreamConnector connector = new JdkUpstreamConnector();
  private WebSocketProxy proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    connector.close();
  }

  private PendingHandshake handshake(URI upstream, String... subprotocols) {
    proxy = WebSocketProxy.builder().connector(connector)
        .limits(Limits.builder().connectTimeout(CONNECT_TIMEOUT).build())
        .route("/", upstream.toString()).build();
    Headers.Builder headers = Headers.builder().add("Host", "proxy.test");
    if (subprotocols.length > 0) {
      headers.add("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
    }
    return proxy.handshake(HandshakeRequest.builder().path("/").headers(headers.build())
        .remoteAddress(new InetSocketAddress("127.0.0.1", 40000)).build());
  }

  private static HandshakeDecision decision(PendingHandshake pending) throws Exception {
    return pending.decision().toCompletableFuture().get(WAIT, TimeUnit.SECONDS);
  }

  private int rejectionStatus(URI upstream, String... subprotocols) throws Exception {
    PendingHandshake pending = handshake(upstream, subprotocols);
    Rejection r = assertInstanceOf(Rejection.class, decision(pending));
    pending.abandon();
    return r.httpStatus();
  }

  @Test
  void acceptsWithTheSubprotocolTheUpstreamChoseFromTheClientsOffer() throws Exception {
    Draft_6455 onlyB = new Draft_6455(List.of(), List.of(new Protocol("b")));
    try (TestUpstream upstream = TestUpstream.launch(onlyB)) {
      PendingHandshake pending = handshake(upstream.uri(), "a", "b");

      HandshakeDecision.Accept accept = assertInstanceOf(HandshakeDecision.Accept.class, decision(pending));
      assertEquals("b", accept.subprotocol());
      assertEquals("a, b", upstream.handshakes.poll(WAIT, TimeUnit.SECONDS)
          .getFieldValue("Sec-WebSocket-Protocol"));
      pending.abandon();
      upstream.awaitClose();
    }
  }

  @Test
  void relaysTheUpstreamsRefusalStatus() throws Exception {
    try (RawUpstream forbidden = new RawUpstream(RawUpstream.Mode.FORBIDDEN)) {
      assertEquals(403, rejectionStatus(forbidden.uri()));
    }
  }

  @Test
  void answers502ForAnUpstreamThatIsDown() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    assertEquals(502, rejectionStatus(URI.create("ws://127.0.0.1:" + port + "/")));
  }

  @Test
  void answers502ForABrokenUpstream101() throws Exception {
    try (RawUpstream wrongAccept = new RawUpstream(RawUpstream.Mode.WRONG_ACCEPT)) {
      assertEquals(502, rejectionStatus(wrongAccept.uri()));
    }
    try (RawUpstream unoffered = new RawUpstream(RawUpstream.Mode.UNOFFERED_SUBPROTOCOL)) {
      assertEquals(502, rejectionStatus(unoffered.uri(), "chat"));
    }
  }

  @Test
  void answers504WhenTheUpstreamDoesNotAnswerWithinTheConnectTimeout() throws Exception {
    try (RawUpstream silent = new RawUpstream(RawUpstream.Mode.SILENT)) {
      assertEquals(504, rejectionStatus(silent.uri()));
    }
  }

  @Test
  void aClientThatLeavesWhileDiallingGetsTheLateUpstreamConnectionClosed() throws Exception {
    try (RawUpstream late = new RawUpstream(RawUpstream.Mode.LATE_UPGRADE)) {
      PendingHandshake pending = handshake(late.uri());
      assertNotNull(late.requests.poll(WAIT, TimeUnit.SECONDS), "the dial reached the upstream");

      pending.abandon();
      late.release.countDown();

      assertTrue(late.peerClosed.await(WAIT, TimeUnit.SECONDS), "the upstream connection stayed open");
    }
  }
}
