package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.Limits;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Route;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.RecordingListener.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.java_websocket.enums.Opcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport conformance kit: what every host server × upstream connector combination must do,
 * proven over real sockets on 127.0.0.1, port 0. A transport module runs it by extending this class
 * and implementing {@link #startProxyServer} and {@link #newUpstreamConnector}.
 *
 * <p>Close codes asserted here are the documented ones: an upstream that is refused, unreachable or
 * drops mid-stream closes the client with {@code upstreamFailureCloseCode} (1014 Bad Gateway by
 * default); a client that drops closes its upstream with 1001; codes and reasons are mirrored both
 * ways; a frame over the limit closes its sender with 1009.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TransportConformanceKit extends ConformanceFixture {

  /** Connections × messages of the ordering test. */
  static final int CONNECTIONS = 50;
  static final int MESSAGES_PER_CONNECTION = 1_000;
  /** Upstream connections the drop test cuts, one after another. */
  static final int DROPPED_CONNECTIONS = 5;
  /** Frame and message limits of the oversized-frame tests. */
  static final int SMALL_FRAME_LIMIT = 64 * Limits.KIB;

  // ---------------------------------------------------------------- relay

  @Test
  void relaysTextBothWaysUnchanged() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    List<String> texts = List.of("hello", "", "héllo wörld €𝄞 日本", "x".repeat(70_000));
    for (String t : texts) {
      client.sendText(t);
    }
    for (String t : texts) {
      assertEquals(t, up.next(AWAIT), "upstream got");
      assertEquals(t, client.next(AWAIT), "client got the echo");
    }
    up.send("from upstream ✓");
    assertEquals("from upstream ✓", client.next(AWAIT));
  }

  @Test
  void relaysBinaryBothWaysByteExact() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    List<byte[]> payloads = List.of(all, new byte[0], "text-like".getBytes(StandardCharsets.UTF_8));
    for (byte[] p : payloads) {
      client.sendBinary(p);
    }
    for (byte[] p : payloads) {
      assertArrayEquals(p, (byte[]) up.next(AWAIT), "upstream got");
      assertArrayEquals(p, (byte[]) client.next(AWAIT), "client got the echo");
    }
  }

  @Test
  void relaysOneMebibyteBinaryMessageByteExact() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    byte[] big = new byte[Limits.MIB];
    new Random(42).nextBytes(big);
    client.sendBinary(big);
    assertArrayEquals(big, (byte[]) up.next(AWAIT), "upstream got");
    assertArrayEquals(big, (byte[]) client.next(AWAIT), "client got the echo");
  }

  @Test
  void flushesEarlyFramesInOrderWhileUpstreamHandshakeIsDelayed() throws Exception {
    startEchoProxy();
    upstream().holdHandshakes();
    TestClient client = connect("/early");
    assertEquals("/early", upstream().awaitHandshake(AWAIT));
    List<Object> sent = new ArrayList<>();
    CompletableFuture<?> last = null;
    for (int i = 0; i < 100; i++) {
      if (i % 3 == 0) {
        byte[] b = ("bin-" + i).getBytes(StandardCharsets.UTF_8);
        sent.add(b);
        last = client.sendBinary(b);
      } else {
        String t = "text-" + i;
        sent.add(t);
        last = client.sendText(t);
      }
    }
    last.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS); // all written to the proxy's socket
    upstream().releaseHandshakes();
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    for (Object expected : sent) {
      assertMessage(expected, up.next(AWAIT), "upstream order");
    }
    for (Object expected : sent) {
      assertMessage(expected, client.next(AWAIT), "echo order");
    }
  }

  @Test
  void keepsOrderAcross50ConnectionsOf1000Messages() throws Exception {
    startEchoProxy();
    List<CompletableFuture<TestClient>> connecting = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      connecting.add(TestClient.connectAsync(proxyUri("/order")));
    }
    List<TestClient> clients = new ArrayList<>();
    for (CompletableFuture<TestClient> f : connecting) {
      clients.add(register(f.get(AWAIT.toMillis() * 2, TimeUnit.MILLISECONDS)));
    }
    for (int c = 0; c < CONNECTIONS; c++) {
      TestClient client = clients.get(c);
      for (int m = 0; m < MESSAGES_PER_CONNECTION; m++) {
        client.sendText(c + ":" + m);
      }
    }
    for (int c = 0; c < CONNECTIONS; c++) {
      TestClient client = clients.get(c);
      for (int m = 0; m < MESSAGES_PER_CONNECTION; m++) {
        assertEquals(c + ":" + m, client.next(AWAIT), "connection " + c + " message " + m);
      }
    }
  }

  @Test
  void relaysFragmentedMessagesWholeAndInOrder() throws Exception {
    startEchoProxy();
    FrameClient client = connectFrameClient("/frag");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendFragmented(Opcode.TEXT, List.of(utf8("Hel"), utf8("lo, "), utf8("wörld")));
    byte[] bin = new byte[3 * 1000];
    new Random(7).nextBytes(bin);
    client.sendFragmented(Opcode.BINARY, List.of(slice(bin, 0, 1000), slice(bin, 1000, 2000),
        slice(bin, 2000, 3000)));
    client.send("after");
    assertEquals("Hello, wörld", up.next(AWAIT));
    assertArrayEquals(bin, (byte[]) up.next(AWAIT));
    assertEquals("after", up.next(AWAIT));
    assertEquals("Hello, wörld", client.next(AWAIT));
    assertArrayEquals(bin, (byte[]) client.next(AWAIT));
    assertEquals("after", client.next(AWAIT));

    up.sendFragmented(Opcode.TEXT, List.of(utf8("up"), utf8("stream "), utf8("parts")));
    up.send("tail");
    assertEquals("upstream parts", client.next(AWAIT));
    assertEquals("tail", client.next(AWAIT));
  }

  @Test
  void answersClientPingWithPong() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    upstream().awaitConnection(AWAIT);
    client.ping(utf8("ping-1"));
    assertArrayEquals(utf8("ping-1"), client.nextPong(AWAIT));
    client.sendText("still relaying");
    assertEquals("still relaying", client.next(AWAIT));
  }

  @Test
  void answersUpstreamPingWithPong() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    up.ping(utf8("ping-up"));
    assertArrayEquals(utf8("ping-up"), up.nextPong(AWAIT), "upstream got its ping's data back");
    client.sendText("still relaying");
    assertEquals("still relaying", client.next(AWAIT));
  }

  // ---------------------------------------------------------------- handshake data

  @Test
  void keepsPathRemainderAndQueryForUpstream() throws Exception {
    String base = upstream().uri("/base").toString();
    startProxy(b -> b.route("/app", base));
    connect("/app/room/7?token=a%20b&x=1&x=2");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    assertEquals("/base/room/7?token=a%20b&x=1&x=2", up.resource());
  }

  @Test
  void negotiatesRouteSubprotocolWithClientAndOffersOnlyItUpstream() throws Exception {
    UpstreamPeer chat = startUpstream(List.of("chat", "other"), false);
    Route route = Route.to(chat.uri("")).withSubprotocols(List.of("v2", "chat"));
    startProxy(b -> b.routes(PathPrefixRoutes.builder().route("/", route).build()));
    TestClient client = connect("/", c -> c.subprotocols("other", "chat", "v2"));
    assertEquals("chat", client.subprotocol(), "first client offer the route accepts");
    UpstreamPeer.Conn up = chat.awaitConnection(AWAIT);
    assertEquals("chat", up.header("Sec-WebSocket-Protocol"), "only that one offered upstream");
    assertEquals("chat", up.protocol());
    client.sendText("in chat");
    assertEquals("in chat", client.next(AWAIT));
  }

  @Test
  void closesClientWithBadGatewayWhenUpstreamRefusesTheSubprotocol() throws Exception {
    UpstreamPeer picky = startUpstream(List.of("other"), false);
    Route route = Route.to(picky.uri("")).withSubprotocols(List.of("chat"));
    startProxy(b -> b.routes(PathPrefixRoutes.builder().route("/", route).build()));
    TestClient client = connect("/", c -> c.subprotocols("chat"));
    assertEquals("chat", client.subprotocol());
    assertEquals(CloseCodes.BAD_GATEWAY, client.awaitClose(PROMPTLY).code());
    awaitNoProxyConnections();
  }

  @Test
  void setsForwardedHeadersAndReplacesClientSentOnes() throws Exception {
    startEchoProxy();
    connect("/", c -> c.header("X-Forwarded-For", "203.0.113.9")
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Custom", "kept"));
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    assertEquals("127.0.0.1", up.header("X-Forwarded-For"));
    assertEquals("http", up.header("X-Forwarded-Proto"));
    assertEquals("127.0.0.1:" + proxyPort(), up.header("X-Forwarded-Host"));
    assertEquals("kept", up.header("X-Custom"));
  }

  // ---------------------------------------------------------------- close

  @Test
  void mirrorsClientCloseCodeAndReasonToUpstream() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = roundTrip(client);
    client.close(4000, "bye");
    Close atUpstream = up.awaitClose(PROMPTLY);
    assertEquals(new Close(4000, "bye", true), atUpstream);
    client.awaitClose(PROMPTLY);
    awaitNoProxyConnections();
  }

  @Test
  void relaysEveryMessageSentJustBeforeTheClientCloses() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = roundTrip(client);
    upstream().echo(false);
    int count = 20;
    for (int i = 0; i < count; i++) {
      client.sendText("last-" + i);
    }
    client.close(4000, "bye"); // the JDK client half-closes TCP right after its close frame
    for (int i = 0; i < count; i++) {
      assertEquals("last-" + i, up.next(AWAIT));
    }
    assertEquals(new Close(4000, "bye", true), up.awaitClose(PROMPTLY));
    awaitNoProxyConnections();
  }

  @Test
  void flushesEarlyFramesAndMirrorsTheCloseOfAClientThatLeavesWhileUpstreamConnects()
      throws Exception {
    startEchoProxy();
    upstream().holdHandshakes();
    TestClient client = connect("/");
    upstream().awaitHandshake(AWAIT);
    for (int i = 0; i < 3; i++) {
      client.sendText("early-" + i);
    }
    client.close(4000, "bye");
    client.awaitClose(PROMPTLY); // the host server answers the close itself
    upstream().releaseHandshakes();
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    for (int i = 0; i < 3; i++) {
      assertEquals("early-" + i, up.next(AWAIT));
    }
    assertEquals(new Close(4000, "bye", true), up.awaitClose(PROMPTLY));
    awaitNoProxyConnections();
  }

  @Test
  void mirrorsUpstreamCloseCodeAndReasonToClient() throws Exception {
    startEchoProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    up.close(4001, "later");
    Close atClient = client.awaitClose(PROMPTLY);
    assertEquals(4001, atClient.code());
    assertEquals("later", atClient.reason());
    up.awaitClose(PROMPTLY);
    awaitNoProxyConnections();
  }

  @Test
  void closesClientWith1014WhenUpstreamRefuses() throws Exception {
    int refused = refusedPort();
    startProxy(b -> b.route("/", "ws://127.0.0.1:" + refused));
    TestClient client = connect("/");
    assertEquals(CloseCodes.BAD_GATEWAY, client.awaitClose(PROMPTLY).code());
    awaitNoProxyConnections();
  }

  @Test
  void closesClientWith1014WhenUpstreamIsUnreachable() throws Exception {
    int silent = silentServer().getLocalPort();
    java.time.Duration connectTimeout = java.time.Duration.ofSeconds(1);
    startProxy(b -> b.route("/", "ws://127.0.0.1:" + silent)
        .limits(KIT_LIMITS.toBuilder().connectTimeout(connectTimeout).build()));
    TestClient client = connect("/");
    assertEquals(CloseCodes.BAD_GATEWAY, client.awaitClose(PROMPTLY.plus(connectTimeout)).code());
    awaitNoProxyConnections();
  }

  @Test
  void closesClientWith1014WhenUpstreamDropsTcpMidStream() throws Exception {
    startEchoProxy();
    // several connections: a drop right after a relayed message hits the connector mid-delivery
    for (int i = 0; i < DROPPED_CONNECTIONS; i++) {
      TestClient client = connect("/");
      UpstreamPeer.Conn up = roundTrip(client);
      up.drop();
      assertEquals(CloseCodes.BAD_GATEWAY, client.awaitClose(PROMPTLY).code(), "connection " + i);
    }
    awaitNoProxyConnections();
  }

  @Test
  void honoursUpstreamFailureCloseCode4502WhenUpstreamRefusesOrDrops() throws Exception {
    int refused = refusedPort();
    String echo = upstream().uri("").toString();
    startProxy(b -> b.route("/refused", "ws://127.0.0.1:" + refused).route("/echo", echo)
        .upstreamFailureCloseCode(4502));
    TestClient refusedClient = connect("/refused");
    assertEquals(4502, refusedClient.awaitClose(PROMPTLY).code());
    TestClient dropped = connect("/echo");
    // a round trip first: dropping before the 101 reached the proxy would test a connect failure
    roundTrip(dropped).drop();
    assertEquals(4502, dropped.awaitClose(PROMPTLY).code());
    awaitNoProxyConnections();
  }

  @Test
  void closesUpstreamWhenClientDropsTcp() throws Exception {
    assertClientVanishingClosesUpstreamWith1001(RawClient::dropTcp);
  }

  @Test
  void closesUpstreamWhenClientResetsTcp() throws Exception {
    assertClientVanishingClosesUpstreamWith1001(RawClient::resetTcp);
  }

  private void assertClientVanishingClosesUpstreamWith1001(Vanish vanish) throws Exception {
    startEchoProxy();
    RawClient client = connectRaw("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendText("mid-stream");
    assertEquals("mid-stream", up.next(AWAIT));
    vanish.apply(client);
    assertEquals(CloseCodes.GOING_AWAY, up.awaitClose(PROMPTLY).code());
    awaitNoProxyConnections();
  }

  /** How a raw client leaves without a close frame. */
  private interface Vanish {
    void apply(RawClient client) throws java.io.IOException;
  }

  // ---------------------------------------------------------------- limits

  @Test
  void closesOversizedFrameWith1009AndOtherConnectionsKeepWorking() throws Exception {
    String target = upstream().uri("").toString();
    startProxy(b -> b.route("/", target).limits(KIT_LIMITS.toBuilder()
        .maxFrameSize(SMALL_FRAME_LIMIT).maxMessageSize(SMALL_FRAME_LIMIT).build()));
    TestClient bystander = connect("/");
    UpstreamPeer.Conn bystanderUp = upstream().awaitConnection(AWAIT);
    TestClient offender = connect("/");
    UpstreamPeer.Conn offenderUp = upstream().awaitConnection(AWAIT);

    offender.sendBinary(new byte[SMALL_FRAME_LIMIT + 1]);
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, offender.awaitClose(PROMPTLY).code());
    offenderUp.awaitClose(PROMPTLY);
    assertTrue(offenderUp.receivedNothing(), "nothing of the oversized frame reached upstream");

    bystander.sendBinary(new byte[SMALL_FRAME_LIMIT]);
    assertEquals(SMALL_FRAME_LIMIT, ((byte[]) bystander.next(AWAIT)).length);
    assertEquals(SMALL_FRAME_LIMIT, ((byte[]) bystanderUp.next(AWAIT)).length);
    TestClient newcomer = connect("/");
    newcomer.sendText("still serving");
    assertEquals("still serving", newcomer.next(AWAIT));
  }

  @Test
  void closesBothSidesWith1009WhenUpstreamSendsAnOversizedMessage() throws Exception {
    String target = upstream().uri("").toString();
    startProxy(b -> b.route("/", target).limits(KIT_LIMITS.toBuilder()
        .maxFrameSize(SMALL_FRAME_LIMIT).maxMessageSize(SMALL_FRAME_LIMIT).build()));
    TestClient client = connect("/");
    UpstreamPeer.Conn up = roundTrip(client);
    up.send(new byte[SMALL_FRAME_LIMIT + 1]);
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.awaitClose(PROMPTLY).code());
    int atUpstream = up.awaitClose(PROMPTLY).code();
    // the JDK client cannot send 1009: CloseCodes maps it for that transport
    int jdkMapped = CloseCodes.forTransport(CloseCodes.MESSAGE_TOO_BIG,
        CloseCodes::isSendableByJdkClient);
    assertTrue(atUpstream == CloseCodes.MESSAGE_TOO_BIG || atUpstream == jdkMapped,
        "upstream closed with " + atUpstream);
    awaitNoProxyConnections();
  }

  @Test
  void closesOversizedFragmentedMessageWith1009() throws Exception {
    String target = upstream().uri("").toString();
    int frame = 16 * Limits.KIB;
    startProxy(b -> b.route("/", target).limits(KIT_LIMITS.toBuilder()
        .maxFrameSize(frame).maxMessageSize(2 * frame).build()));
    FrameClient client = connectFrameClient("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendFragmented(Opcode.BINARY, List.of(new byte[frame], new byte[frame], new byte[frame]));
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.awaitClose(PROMPTLY).code());
    up.awaitClose(PROMPTLY);
    assertTrue(up.receivedNothing(), "nothing of the oversized message reached upstream");
  }

  // ---------------------------------------------------------------- bookkeeping

  @Test
  void reportsOpenedConnectedAndClosedExactlyOncePerConnection() throws Exception {
    RecordingListener events = new RecordingListener();
    int refused = refusedPort();
    String echo = upstream().uri("").toString();
    WebSocketProxy proxy = startProxy(b -> b.route("/echo", echo)
        .route("/refused", "ws://127.0.0.1:" + refused).listener(events));
    int echoes = 5;
    for (int i = 0; i < echoes; i++) {
      TestClient c = connect("/echo");
      c.sendText("m" + i);
      assertEquals("m" + i, c.next(AWAIT));
      c.close(CloseCodes.NORMAL, "done");
      c.awaitClose(PROMPTLY);
    }
    TestClient failed = connect("/refused");
    failed.awaitClose(PROMPTLY);
    assertTrue(ThreadLeaks.await(AWAIT, () -> events.closedEvents() >= echoes + 1),
        "connectionClosed for every connection");
    awaitNoProxyConnections();
    proxy.close(); // must not report anything again

    Map<Long, Integer> opened = events.counts(Event.OPENED);
    assertEquals(echoes + 1, opened.size(), "connections seen: " + opened);
    assertTrue(opened.values().stream().allMatch(n -> n == 1), "opened once each: " + opened);
    assertEquals(opened, events.counts(Event.CLOSED), "closed once each");
    Map<Long, Integer> connected = events.counts(Event.CONNECTED);
    Map<Long, Integer> failures = events.counts(Event.FAILED);
    for (long id : opened.keySet()) {
      assertEquals(1, connected.get(id) + failures.get(id),
          "connection " + id + ": connected " + connected.get(id) + ", failed " + failures.get(id));
    }
    assertEquals(1, failures.values().stream().mapToInt(Integer::intValue).sum(), "one failure");
  }

  @Test
  void leavesNoThreadOrConnectionBehind() throws Exception {
    Set<Thread> before = ThreadLeaks.snapshot();
    int refused = refusedPort();
    UpstreamPeer peer = startUpstream(List.of(), true);
    String echo = peer.uri("").toString();
    startProxy(b -> b.route("/echo", echo).route("/refused", "ws://127.0.0.1:" + refused));
    List<TestClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      TestClient c = connect("/echo");
      c.sendText("m" + i);
      assertEquals("m" + i, c.next(AWAIT));
      clients.add(c);
    }
    FrameClient frames = connectFrameClient("/echo");
    frames.send("frames");
    assertEquals("frames", frames.next(AWAIT));
    connect("/refused").awaitClose(PROMPTLY);
    TestClient dropped = connect("/echo");
    dropped.sendText("x");
    dropped.next(AWAIT);
    for (int i = 0; i < 7; i++) {
      UpstreamPeer.Conn c = peer.awaitConnection(AWAIT);
      if (i == 6) {
        c.drop();
      }
    }
    dropped.awaitClose(PROMPTLY);
    for (TestClient c : clients) {
      c.close(CloseCodes.NORMAL, "done");
      c.awaitClose(PROMPTLY);
    }
    frames.close();

    awaitNoProxyConnections();
    assertTrue(ThreadLeaks.await(AWAIT, () -> peer.openConnections() == 0),
        () -> "upstream still has " + peer.openConnections() + " connections");
    closeAll();
    assertTrue(ThreadLeaks.await(AWAIT, () -> ThreadLeaks.startedSince(before).isEmpty()),
        () -> "threads left behind: " + ThreadLeaks.startedSince(before));
  }

  // ---------------------------------------------------------------- helpers

  /** A message there and back: the proxy's upstream is open once the echo is back. */
  private UpstreamPeer.Conn roundTrip(TestClient client) throws Exception {
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendText("round trip");
    assertEquals("round trip", up.next(AWAIT));
    assertEquals("round trip", client.next(AWAIT));
    return up;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  private static void assertMessage(Object expected, Object actual, String what) {
    if (expected instanceof byte[] e) {
      assertTrue(actual instanceof byte[], what + ": expected binary, got " + actual);
      assertArrayEquals(e, (byte[]) actual, what);
    } else {
      assertEquals(expected, actual, what);
    }
  }
}
