package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.ProxyListener;
import io.wsproxy.Rejection;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connect-first through the public {@link WebSocketProxy} with a scripted connector: what the client
 * is answered for each upstream outcome, and what happens to a client that leaves meanwhile. The
 * transports' socket-level versions of these cases are in the conformance kit.
 */
class ConnectFirstTest {

  private static final long WAIT_S = 5;

  /** One dial the test completes by hand. */
  private static final class Dial {
    final UpstreamRequest request;
    final WsListener listener;
    final CompletableFuture<WsChannel> future = new CompletableFuture<>();
    final FakeChannel channel = new FakeChannel();

    Dial(UpstreamRequest request, WsListener listener) {
      this.request = request;
      this.listener = listener;
    }

    void open(String subprotocol) {
      channel.subprotocol = subprotocol;
      listener.onOpen(channel);
      future.complete(channel);
    }
  }

  private final BlockingQueue<Dial> dials = new LinkedBlockingQueue<>();
  private final UpstreamConnector connector = (request, listener) -> {
    Dial d = new Dial(request, listener);
    dials.add(d);
    return d.future;
  };
  private final Summaries summaries = new Summaries();
  private WebSocketProxy proxy;

  @AfterEach
  void close() {
    if (proxy != null) {
      proxy.close();
    }
  }

  private WebSocketProxy proxy(Limits limits, int failureCode) {
    proxy = WebSocketProxy.builder().connector(connector).limits(limits)
        .upstreamFailureCloseCode(failureCode).listener(summaries)
        .authValidator(AuthValidator.bearerTokens("s3cret").alsoFromSubprotocol())
        .route("/", "ws://127.0.0.1:9/up").build();
    return proxy;
  }

  private WebSocketProxy proxy() {
    return proxy(Limits.DEFAULTS, CloseCodes.BAD_GATEWAY);
  }

  private static HandshakeRequest request(String... subprotocols) {
    Headers.Builder h = Headers.builder().add("Host", "proxy.test");
    if (subprotocols.length > 0) {
      h.add("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
    }
    return HandshakeRequest.builder().path("/x").headers(h.build())
        .remoteAddress(new InetSocketAddress("127.0.0.1", 40000)).build();
  }

  private static HandshakeRequest authorized(String... subprotocols) {
    String[] all = new String[subprotocols.length + 2];
    all[0] = "bearer";
    all[1] = "s3cret";
    System.arraycopy(subprotocols, 0, all, 2, subprotocols.length);
    return request(all);
  }

  private Dial awaitDial() throws Exception {
    Dial d = dials.poll(WAIT_S, TimeUnit.SECONDS);
    if (d == null) {
      throw new TimeoutException("no dial");
    }
    return d;
  }

  private static HandshakeDecision decision(PendingHandshake p) throws Exception {
    return p.decision().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void offersTheClientsWholeOfferWithoutTheCredentialAndAnswersWithTheUpstreamsChoice()
      throws Exception {
    proxy();
    PendingHandshake p = proxy.handshake(authorized("a", "b", "c"));
    Dial d = awaitDial();
    assertEquals(List.of("a", "b", "c"), d.request.subprotocols());
    assertFalse(p.decision().toCompletableFuture().isDone(), "the client waits for the upstream");
    d.open("b");
    HandshakeDecision.Accept a = assertInstanceOf(HandshakeDecision.Accept.class, decision(p));
    assertEquals("b", a.subprotocol());
  }

  @Test
  void answersTheBearerEntryWhenTheUpstreamSelectsNoSubprotocol() throws Exception {
    proxy();
    PendingHandshake p = proxy.handshake(authorized());
    awaitDial().open(null);
    assertEquals("bearer", ((HandshakeDecision.Accept) decision(p)).subprotocol());
  }

  @Test
  void mapsEachUpstreamFailureToTheStatusTheClientSees() throws Exception {
    proxy();
    record Case(Throwable error, int status) {}
    List<Case> cases = List.of(
        new Case(UpstreamConnectException.unreachable("refused", null), 502),
        new Case(UpstreamConnectException.invalidHandshake("bad accept"), 502),
        new Case(UpstreamConnectException.refused(403, "forbidden"), 403),
        new Case(UpstreamConnectException.refused(401, "unauthorized"), 401),
        new Case(UpstreamConnectException.refused(404, "not found"), 404),
        new Case(UpstreamConnectException.refused(429, "slow down"), 429),
        new Case(UpstreamConnectException.refused(500, "oops"), 502),
        new Case(UpstreamConnectException.refused(302, "moved"), 502),
        new Case(UpstreamConnectException.timedOut("slow"), 504),
        new Case(new TimeoutException("slow"), 504),
        new Case(new IllegalStateException("connector bug"), 502));
    for (Case c : cases) {
      PendingHandshake p = proxy.handshake(authorized());
      awaitDial().future.completeExceptionally(c.error());
      Rejection r = assertInstanceOf(Rejection.class, decision(p), c.toString());
      assertEquals(c.status(), r.httpStatus(), c.toString());
      assertEquals(CloseCodes.BAD_GATEWAY, r.closeCode(), c.toString());
      p.abandon();
    }
    assertEquals(0, proxy.connectionCount());
    assertEquals(0, proxy.pendingHandshakes());
  }

  @Test
  void usesTheConfiguredCloseCodeForUpstreamFailuresInCloseCodeMode() throws Exception {
    proxy(Limits.DEFAULTS, 4502);
    PendingHandshake p = proxy.handshake(authorized());
    awaitDial().future.completeExceptionally(UpstreamConnectException.refused(403, "no"));
    assertEquals(4502, ((Rejection) decision(p)).closeCode());
  }

  @Test
  void aClientThatLeavesWhileDiallingCancelsTheDialAndFreesItsSlot() throws Exception {
    proxy();
    PendingHandshake p = proxy.handshake(authorized());
    Dial d = awaitDial();
    assertEquals(1, proxy.connectionCount());
    p.abandon();
    assertTrue(d.future.isCancelled(), "the dial is cancelled");
    assertEquals(0, proxy.connectionCount());
    assertEquals(0, proxy.pendingHandshakes());
    assertTrue(summaries.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertFalse(summaries.last.opened());
  }

  @Test
  void aClientThatLeavesAfterTheUpstreamAnsweredClosesTheUpstreamWithGoingAway() throws Exception {
    proxy();
    PendingHandshake p = proxy.handshake(authorized());
    Dial d = awaitDial();
    d.open(null);
    decision(p);
    p.abandon();
    assertTrue(d.channel.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(CloseCodes.GOING_AWAY, d.channel.closeCode);
    d.listener.onClose(d.channel, CloseCodes.GOING_AWAY, "", false);
    assertTrue(summaries.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(0, proxy.connectionCount());
  }

  @Test
  void holdsTheUpstreamsEarlyMessagesAndDeliversThemFirstInOrder() throws Exception {
    proxy();
    PendingHandshake p = proxy.handshake(authorized());
    Dial d = awaitDial();
    d.channel.pausable = true;
    d.open(null);
    assertTrue(d.channel.paused, "a pausable upstream is paused until the client is there");
    d.listener.onText(d.channel, Text.of("one"));
    d.listener.onText(d.channel, Text.of("two"));
    decision(p);
    FakeChannel client = new FakeChannel();
    WsListener fromClient = p.open(client);
    assertFalse(d.channel.paused);
    d.listener.onText(d.channel, Text.of("three"));
    assertEquals(List.of("one", "two", "three"), client.sent);
    fromClient.onText(client, Text.of("hi"));
    assertEquals(List.of("hi"), d.channel.sent);
    assertThrows(IllegalStateException.class, () -> p.open(new FakeChannel()));
  }

  @Test
  void mirrorsAnUpstreamCloseThatCameBeforeTheClientWasAttached() throws Exception {
    proxy();
    PendingHandshake p = proxy.handshake(authorized());
    Dial d = awaitDial();
    d.open(null);
    d.listener.onText(d.channel, Text.of("last words"));
    d.listener.onClose(d.channel, 4001, "done", true);
    decision(p);
    FakeChannel client = new FakeChannel();
    p.open(client);
    assertEquals(List.of("last words"), client.sent);
    assertTrue(client.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(4001, client.closeCode);
    assertEquals("done", client.closeReason);
  }

  @Test
  void closingTheProxyWhileDiallingRefusesTheClientWith503() throws Exception {
    proxy();
    PendingHandshake p = proxy.handshake(authorized());
    Dial d = awaitDial();
    proxy.close();
    Rejection r = assertInstanceOf(Rejection.class, decision(p));
    assertEquals(503, r.httpStatus());
    assertTrue(d.future.isCancelled());
    assertEquals(503, ((Rejection) decision(proxy.handshake(authorized()))).httpStatus(),
        "a closed proxy refuses new handshakes");
  }

  @Test
  void refusesHandshakesOverThePendingCapWith503() throws Exception {
    proxy(Limits.builder().maxPendingHandshakes(2).build(), CloseCodes.BAD_GATEWAY);
    PendingHandshake first = proxy.handshake(authorized());
    PendingHandshake second = proxy.handshake(authorized());
    Rejection r = assertInstanceOf(Rejection.class, decision(proxy.handshake(authorized())));
    assertEquals(503, r.httpStatus());
    assertEquals(Admission.TOO_MANY_PENDING, r.reason());
    first.abandon();
    PendingHandshake third = proxy.handshake(authorized());
    assertNull(third.decision().toCompletableFuture().getNow(null), "admitted again");
    second.abandon();
    third.abandon();
  }

  @Test
  void aRefusedHandshakeNeverDials() throws Exception {
    proxy();
    Rejection r = assertInstanceOf(Rejection.class, decision(proxy.handshake(request())));
    assertEquals(401, r.httpStatus());
    assertTrue(dials.isEmpty());
  }

  @Test
  void reportsMessagesAndBytesEachWayWhenTheConnectionEnds() throws Exception {
    proxy();
    PendingHandshake p = proxy.handshake(authorized());
    Dial d = awaitDial();
    d.open(null);
    decision(p);
    FakeChannel client = new FakeChannel();
    WsListener fromClient = p.open(client);
    fromClient.onText(client, Text.ofValidUtf8(java.nio.ByteBuffer.wrap(new byte[] {'a', 'b'})));
    fromClient.onBinary(client, java.nio.ByteBuffer.allocate(10));
    d.listener.onBinary(d.channel, java.nio.ByteBuffer.allocate(7));
    fromClient.onClose(client, 1000, "bye", true);
    d.listener.onClose(d.channel, 1000, "bye", false);
    assertTrue(summaries.closed.await(WAIT_S, TimeUnit.SECONDS));
    ConnectionSummary s = summaries.last;
    assertTrue(s.opened());
    assertEquals(2, s.messagesToUpstream());
    assertEquals(12, s.bytesToUpstream());
    assertEquals(1, s.messagesToClient());
    assertEquals(7, s.bytesToClient());
    assertEquals(1000, s.clientCode());
    assertTrue(s.duration().compareTo(Duration.ZERO) >= 0);
  }

  /** Records the last connection summary. */
  private static final class Summaries implements ProxyListener {
    final CountDownLatch closed = new CountDownLatch(1);
    volatile ConnectionSummary last;

    @Override
    public void connectionClosed(ConnectionInfo connection, ConnectionSummary summary) {
      last = summary;
      closed.countDown();
    }
  }
}
