package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.Limits;
import io.wsproxy.ProxyListener;
import io.wsproxy.RejectionMode;
import io.wsproxy.TrustedProxies;
import io.wsproxy.WebSocketProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Header, connection, idle and message limits over real sockets (issue 3): each refusal is the
 * documented one, the server keeps serving, and slots come back when clients leave.
 */
class LimitsEndToEndTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();
  private static final String HEADERS_TOO_LARGE = "Request header fields too large";
  private static final int SMALL_MESSAGE_LIMIT = 64 * Limits.KIB;

  /** Records every finished connection, so a test knows when a slot is free again. */
  private static final class ClosedConnections implements ProxyListener {
    final BlockingQueue<ConnectionInfo> closed = new LinkedBlockingQueue<>();

    @Override
    public void connectionClosed(ConnectionInfo connection, int clientCode, int upstreamCode,
        String reason) {
      closed.add(connection);
    }

    void awaitOne() throws InterruptedException {
      assertNotNull(closed.poll(WAIT, TimeUnit.SECONDS), "no connection finished");
    }
  }

  private static WebSocketProxy.Builder proxy(E2eBackend upstream, Limits limits) {
    return WebSocketProxy.builder().route("/echo", upstream.url("")).limits(limits);
  }

  private static String[] headers(int count, String format) {
    String[] lines = new String[count];
    for (int i = 0; i < count; i++) {
      lines[i] = String.format(format, i);
    }
    return lines;
  }

  @Test
  void answers2000HeaderFieldsWith431AndKeepsServing() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream, E2eProxy.limits().build()))) {
      // 2,000 short fields: within the byte cap of the transport, over the field count limit
      assertEquals(E2eRawClient.Answer.http(431, HEADERS_TOO_LARGE),
          proxy.answer("/echo", headers(2_000, "h%d: 1")));
      // 2,000 long fields: over the byte cap, refused before the request is even parsed
      assertEquals(E2eRawClient.Answer.http(431, HEADERS_TOO_LARGE),
          proxy.answer("/echo", headers(2_000, "X-Padding-Header-%04d: some-value")));
      assertEquals(0, upstream.tcpConnections());

      assertEquals("up:still serving", E2eProxy.roundTrip(proxy.jdk("/echo"), "still serving"));
    }
  }

  @Test
  void closes2000HeaderFieldsWith4400InCloseCodeMode() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream, E2eProxy.limits().build())
            .rejectionMode(RejectionMode.CLOSE_CODE))) {
      assertEquals(E2eRawClient.Answer.closed(CloseCodes.BAD_REQUEST, HEADERS_TOO_LARGE),
          proxy.answer("/echo", headers(2_000, "h%d: 1")));
      assertEquals(0, upstream.tcpConnections());
    }
  }

  @Test
  void refusesConnectionsOverTheGlobalCapWith429UntilOneCloses() throws Exception {
    ClosedConnections finished = new ClosedConnections();
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream,
            E2eProxy.limits().maxConnections(2).build()).listener(finished))) {
      JdkClient a = proxy.jdk("/echo");
      JdkClient b = proxy.jdk("/echo");
      assertEquals("up:a", E2eProxy.roundTrip(a, "a"));
      assertEquals("up:b", E2eProxy.roundTrip(b, "b"));

      assertEquals(E2eRawClient.Answer.http(429, "Too many connections"), proxy.answer("/echo"));
      assertEquals(2, upstream.tcpConnections());

      a.ws.sendClose(CloseCodes.NORMAL, "done").get(WAIT, TimeUnit.SECONDS);
      finished.awaitOne();
      assertEquals("up:c", E2eProxy.roundTrip(proxy.jdk("/echo"), "c"));
      assertEquals("up:b again", E2eProxy.roundTrip(b, "b again"));
    }
  }

  @Test
  void refusesASecondConnectionFromOneAddressWith4429UntilTheFirstCloses() throws Exception {
    ClosedConnections finished = new ClosedConnections();
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream,
            E2eProxy.limits().maxConnectionsPerAddress(1).build())
            .rejectionMode(RejectionMode.CLOSE_CODE).listener(finished))) {
      JdkClient first = proxy.jdk("/echo");
      assertEquals("up:1", E2eProxy.roundTrip(first, "1"));

      assertEquals(E2eRawClient.Answer.closed(CloseCodes.TOO_MANY_REQUESTS,
          "Too many connections from this address"), proxy.answer("/echo"));
      assertEquals(1, upstream.tcpConnections());

      first.ws.sendClose(CloseCodes.NORMAL, "done").get(WAIT, TimeUnit.SECONDS);
      finished.awaitOne();
      assertEquals("up:2", E2eProxy.roundTrip(proxy.jdk("/echo"), "2"));
    }
  }

  @Test
  void countsConnectionsPerForwardedClientBehindATrustedProxy() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream,
            E2eProxy.limits().maxConnectionsPerAddress(1).build())
            .trustedProxies(TrustedProxies.of("127.0.0.0/8")))) {
      JdkClient one = proxy.jdk("/echo", Map.of("X-Forwarded-For", "203.0.113.1"));
      JdkClient two = proxy.jdk("/echo", Map.of("X-Forwarded-For", "203.0.113.2"));
      assertEquals("up:one", E2eProxy.roundTrip(one, "one"));
      assertEquals("up:two", E2eProxy.roundTrip(two, "two"));

      assertEquals(E2eRawClient.Answer.http(429, "Too many connections from this address"),
          proxy.answer("/echo", "X-Forwarded-For: 203.0.113.1"));
    }
  }

  /**
   * Idle timeout of the idle test: 1 s. The core counts idleness from the start of the upstream
   * dial (connect-first), and a JVM's first dial takes about 300 ms, so a shorter timeout refuses
   * the client with 503 before it is upgraded.
   */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);

  @Test
  void closesAnIdleProxiedConnectionWith1001OnBothSides() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream,
            E2eProxy.limits().idleTimeout(IDLE_TIMEOUT).build()))) {
      JdkClient client = proxy.jdk("/echo");
      assertEquals("up:once", E2eProxy.roundTrip(client, "once"));

      CloseEvent close = client.awaitClose();
      assertEquals(CloseCodes.GOING_AWAY, close.code());
      assertEquals("Idle timeout", close.reason());
      CloseEvent upstreamClose = upstream.nextClose();
      assertEquals(CloseCodes.GOING_AWAY, upstreamClose.code());
      assertEquals("Idle timeout", upstreamClose.reason());
    }
  }

  @Test
  void closesTheSenderOfAnOversizedMessageWith1009AndKeepsOthersServed() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream, E2eProxy.limits()
            .maxFrameSize(SMALL_MESSAGE_LIMIT).maxMessageSize(SMALL_MESSAGE_LIMIT).build()))) {
      // a hand-written client: it sends whole frames, so the server never closes mid-write
      E2eRawClient big = proxy.raw("/echo");
      JdkClient other = proxy.jdk("/echo");
      big.sendText("small");
      assertEquals("up:small", big.nextText());

      String half = "x".repeat(SMALL_MESSAGE_LIMIT / 2 + 1); // each frame fits, the message not
      big.sendFragments(half, half);
      assertEquals(CloseCodes.MESSAGE_TOO_BIG, big.answer().closeCode());
      // its upstream is closed too, with the nearest code the JDK client may send
      assertEquals(CloseCodes.POLICY_VIOLATION, upstream.nextClose().code());
      assertEquals("up:unaffected", E2eProxy.roundTrip(other, "unaffected"));
      assertEquals(List.of("small", "unaffected"), List.copyOf(upstream.texts),
          "the oversized message was relayed");
    }
  }

  @ParameterizedTest
  @EnumSource(E2eProxy.Connector.class)
  void closesTheClientWith1009WhenItsUpstreamSendsAnOversizedMessage(E2eProxy.Connector connector)
      throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream, E2eProxy.limits()
            .maxFrameSize(SMALL_MESSAGE_LIMIT).maxMessageSize(SMALL_MESSAGE_LIMIT).build()),
            connector)) {
      JdkClient client = proxy.jdk("/echo");
      assertEquals("up:hello", E2eProxy.roundTrip(client, "hello"));

      upstream.nextOpened().send("y".repeat(SMALL_MESSAGE_LIMIT + 1));
      CloseEvent close = client.awaitClose();
      assertEquals(CloseCodes.MESSAGE_TOO_BIG, close.code());
      assertTrue(client.texts.isEmpty(), "part of the oversized message reached the client");
    }
  }
}
