package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectMode;
import io.wsproxy.ConnectionGroup;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.ProxyListener;
import io.wsproxy.Route;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BridgeTest {

  private static final long WAIT_S = 5;

  private final Scheduler scheduler = new Scheduler("bridge-test");
  private final FakeChannel client = new FakeChannel();
  private final FakeChannel up = new FakeChannel();
  private final CompletableFuture<WsChannel> connect = new CompletableFuture<>();
  private final ConnectionGroup all = new ConnectionGroup();
  private final RecordingListener events = new RecordingListener();
  private final AtomicInteger released = new AtomicInteger();
  private WsListener upstreamListener;
  private UpstreamRequest upstreamRequest;

  private final UpstreamConnector connector = (request, listener) -> {
    upstreamRequest = request;
    upstreamListener = listener;
    return connect;
  };

  @AfterEach
  void stopTimer() {
    scheduler.shutdownNow();
  }

  private Bridge bridge(Limits limits, int failureCode, Route route) {
    BridgeContext ctx = new BridgeContext(connector, limits, events, scheduler, failureCode, all,
        ConnectMode.ACCEPT_FIRST, new AtomicLong());
    HandshakeRequest req = HandshakeRequest.builder().path("/x")
        .remoteAddress(new InetSocketAddress("127.0.0.1", 40000)).build();
    HandshakeDecision.Accept accept = new HandshakeDecision.Accept(req, "127.0.0.1",
        Principal.ANONYMOUS, null, route, Headers.of("X-Forwarded-For", "127.0.0.1"));
    return AcceptFirstBridge.start(ctx, 1, accept, client, List.of(), null, released::incrementAndGet);
  }

  private Bridge bridge() {
    return bridge(Limits.DEFAULTS, CloseCodes.BAD_GATEWAY, route());
  }

  private static Route route() {
    return Route.to(URI.create("ws://127.0.0.1:9/up"));
  }

  private void openUpstream() {
    upstreamListener.onOpen(up);
    connect.complete(up);
  }

  @Test
  void dialsTheRouteWithForwardedHeadersAndLimits() {
    bridge();
    assertEquals(URI.create("ws://127.0.0.1:9/up"), upstreamRequest.uri());
    assertEquals("127.0.0.1", upstreamRequest.headers().first("X-Forwarded-For").orElseThrow());
    assertEquals(Limits.DEFAULT_MAX_MESSAGE_SIZE, upstreamRequest.maxMessageSize());
    assertEquals(List.of(), upstreamRequest.subprotocols());
  }

  @Test
  void flushesEarlyFramesInOrderWhenUpstreamOpens() {
    Bridge b = bridge();
    WsListener c = b.clientListener();
    ByteBuffer bin = ByteBuffer.wrap(new byte[] {1, 2});
    c.onText(client, Text.of("a"));
    c.onBinary(client, bin);
    c.onText(client, Text.of("b"));
    assertTrue(up.sent.isEmpty());
    openUpstream();
    c.onText(client, Text.of("c"));
    assertEquals(List.of("a", bin, "b", "c"), up.sent);
  }

  @Test
  void relaysUpstreamMessagesToClient() {
    bridge();
    openUpstream();
    upstreamListener.onText(up, Text.of("hello"));
    assertEquals(List.of("hello"), client.sent);
  }

  @Test
  void closesClientWith1014WhenUpstreamRefuses() throws Exception {
    Bridge b = bridge();
    b.clientListener().onText(client, Text.of("early"));
    connect.completeExceptionally(UpstreamConnectException.unreachable("refused", null));
    assertTrue(client.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(CloseCodes.BAD_GATEWAY, client.closeCode);
    assertEquals(1, events.failed.get());
    b.clientListener().onClose(client, CloseCodes.BAD_GATEWAY, "Bad Gateway", false);
    assertTrue(events.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(CloseCodes.ABNORMAL, events.lastUpstreamCode);
    assertEquals(0, all.size());
  }

  @Test
  void closesClientWithConfiguredCodeWhenUpstreamRefuses() throws Exception {
    bridge(Limits.DEFAULTS, 4502, route());
    connect.completeExceptionally(UpstreamConnectException.unreachable("refused", null));
    assertTrue(client.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(4502, client.closeCode);
  }

  @Test
  void closesClientWith1013WhenEarlyFramesOverflowAndClosesTheLateUpstream() throws Exception {
    Bridge b = bridge(Limits.builder().earlyBytes(2 * (Limits.EARLY_MESSAGE_OVERHEAD + 3)).build(), CloseCodes.BAD_GATEWAY, route());
    b.clientListener().onText(client, Text.of("1"));
    b.clientListener().onText(client, Text.of("2"));
    assertEquals(0, client.closeCalls);
    b.clientListener().onText(client, Text.of("3"));
    assertEquals(CloseCodes.TRY_AGAIN_LATER, client.closeCode);
    openUpstream();
    assertTrue(up.sent.isEmpty(), "nothing buffered may be flushed after an overflow");
    assertEquals(CloseCodes.GOING_AWAY, up.closeCode);
  }

  @Test
  void closesClientWhenEarlyBytesOverflow() {
    Bridge b = bridge(Limits.builder().earlyBytes(10).build(), CloseCodes.BAD_GATEWAY, route());
    b.clientListener().onBinary(client, ByteBuffer.allocate(11));
    assertEquals(CloseCodes.TRY_AGAIN_LATER, client.closeCode);
  }

  @Test
  void mirrorsClientCloseCodeAndReasonToUpstreamOnce() throws Exception {
    Bridge b = bridge();
    openUpstream();
    b.clientListener().onClose(client, 4000, "bye", true);
    assertEquals(4000, up.closeCode);
    assertEquals("bye", up.closeReason);
    upstreamListener.onClose(up, 4000, "bye", false);
    assertTrue(events.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(1, events.closedCount.get());
    assertEquals(4000, events.lastClientCode);
    assertEquals(4000, events.lastUpstreamCode);
    assertEquals(1, released.get(), "the connection slot is released exactly once");
    assertEquals(0, client.closeCalls, "a client that closed itself is not closed again");
    assertEquals(0, all.size());
  }

  @Test
  void closesUpstreamWith1001WhenClientDrops() {
    Bridge b = bridge();
    openUpstream();
    b.clientListener().onClose(client, CloseCodes.ABNORMAL, "", true);
    assertEquals(CloseCodes.GOING_AWAY, up.closeCode);
  }

  @Test
  void closesUpstreamWith1000WhenClientCloseHadNoCode() {
    Bridge b = bridge();
    openUpstream();
    b.clientListener().onClose(client, CloseCodes.NO_STATUS, "", true);
    assertEquals(CloseCodes.NORMAL, up.closeCode);
  }

  @Test
  void mirrorsUpstreamCloseCodeAndReasonToClient() {
    bridge();
    openUpstream();
    upstreamListener.onClose(up, 4001, "later", true);
    assertEquals(4001, client.closeCode);
    assertEquals("later", client.closeReason);
  }

  @Test
  void closesClientWithUpstreamFailureCodeWhenUpstreamDropsMidStream() {
    bridge(Limits.DEFAULTS, 4502, route());
    openUpstream();
    upstreamListener.onText(up, Text.of("partial work"));
    upstreamListener.onClose(up, CloseCodes.ABNORMAL, "", true);
    assertEquals(4502, client.closeCode);
    assertEquals(List.of("partial work"), client.sent);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1002, 1007, 999, 1004, 1016, 5000})
  void closesClientWithUpstreamFailureCodeWhenUpstreamBrokeTheProtocolOrSentAnUnsendableCode(
      int code) {
    bridge(Limits.DEFAULTS, 4502, route());
    openUpstream();
    upstreamListener.onClose(up, code, "bad frame", false);
    assertEquals(4502, client.closeCode, "upstream closed with " + code);
    assertEquals(Closes.UPSTREAM_PROTOCOL_ERROR, client.closeReason);
  }

  @Test
  void pausesUpstreamWhileClientIsNotWritableAndResumesWhenItDrains() throws Exception {
    Bridge b = bridge(Limits.builder().maxQueuedBytes(1000).build(), CloseCodes.BAD_GATEWAY,
        route());
    up.pausable = true;
    openUpstream();
    client.writable = false;
    upstreamListener.onBinary(up, ByteBuffer.allocate(200));
    assertTrue(up.paused, "upstream must be paused as soon as the client stops being writable");
    assertEquals(1, events.highWater.get(), "the pause is reported as a high-water event");
    client.writable = true;
    b.clientListener().onWritable(client);
    assertTrue(up.resumed.await(WAIT_S, TimeUnit.SECONDS));
    assertFalse(up.paused);
    assertEquals(0, client.closeCalls);
  }

  @Test
  void closesAClientThatDoesNotReadWhenUpstreamCannotPause() {
    bridge(Limits.builder().maxQueuedBytes(1000).build(), CloseCodes.BAD_GATEWAY, route());
    openUpstream();
    client.queued = 5000;
    client.writable = false;
    for (int i = 0; i < 10 && client.closeCalls == 0; i++) {
      upstreamListener.onBinary(up, ByteBuffer.allocate(200));
    }
    assertEquals(Bridge.SLOW_CONSUMER_CODE, client.closeCode);
    assertEquals(CloseCodes.GOING_AWAY, up.closeCode);
  }

  @Test
  void closesASlowUpstreamWhenClientCannotPause() {
    Bridge b = bridge(Limits.builder().maxQueuedBytes(1000).build(), CloseCodes.BAD_GATEWAY,
        route());
    openUpstream();
    up.queued = 5000;
    up.writable = false;
    for (int i = 0; i < 10 && up.closeCalls == 0; i++) {
      b.clientListener().onBinary(client, ByteBuffer.allocate(200));
    }
    assertEquals(Bridge.SLOW_CONSUMER_CODE, up.closeCode);
    assertEquals(CloseCodes.TRY_AGAIN_LATER, client.closeCode);
  }

  @Test
  void closingTheRouteGroupClosesBothSidesAndLateJoiners() throws Exception {
    ConnectionGroup session = new ConnectionGroup();
    Bridge b = bridge(Limits.DEFAULTS, CloseCodes.BAD_GATEWAY, route().inGroup(session));
    openUpstream();
    assertEquals(1, session.size());
    session.closeAll(CloseCodes.GOING_AWAY, "Session ended");
    assertEquals(CloseCodes.GOING_AWAY, client.closeCode);
    assertEquals("Session ended", client.closeReason);
    assertEquals(CloseCodes.GOING_AWAY, up.closeCode);
    b.clientListener().onClose(client, 1001, "Session ended", false);
    upstreamListener.onClose(up, 1001, "Session ended", false);
    assertTrue(events.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(0, session.size());
    assertEquals(0, all.size());
  }

  @Test
  void flushesEarlyFramesAndMirrorsTheCloseOfAClientThatLeftDuringConnect() throws Exception {
    Bridge b = bridge();
    b.clientListener().onText(client, Text.of("early"));
    b.clientListener().onText(client, Text.of("last words"));
    b.clientListener().onClose(client, 4000, "bye", true);
    assertEquals(0, events.closedCount.get(), "the bridge waits for the upstream");
    openUpstream();
    assertEquals(List.of("early", "last words"), up.sent);
    assertEquals(4000, up.closeCode);
    assertEquals("bye", up.closeReason);
    upstreamListener.onClose(up, 4000, "bye", false);
    assertTrue(events.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(1, events.closedCount.get());
    assertEquals(0, client.closeCalls, "a client that closed itself is not closed again");
  }

  @Test
  void endsQuietlyWhenTheUpstreamFailsAfterTheClientLeft() throws Exception {
    Bridge b = bridge();
    b.clientListener().onText(client, Text.of("early"));
    b.clientListener().onClose(client, CloseCodes.NORMAL, "", true);
    connect.completeExceptionally(UpstreamConnectException.unreachable("refused", null));
    assertTrue(events.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(0, client.closeCalls);
    assertEquals(1, released.get());
  }

  @Test
  void closesALateUpstreamWhenTheBridgeWasClosedDuringConnect() throws Exception {
    ConnectionGroup session = new ConnectionGroup();
    Bridge b = bridge(Limits.DEFAULTS, CloseCodes.BAD_GATEWAY, route().inGroup(session));
    b.clientListener().onText(client, Text.of("early"));
    session.closeAll(CloseCodes.GOING_AWAY, "Session ended");
    assertEquals(CloseCodes.GOING_AWAY, client.closeCode);
    b.clientListener().onClose(client, CloseCodes.GOING_AWAY, "Session ended", false);
    assertTrue(events.closed.await(WAIT_S, TimeUnit.SECONDS));
    openUpstream();
    assertEquals(CloseCodes.GOING_AWAY, up.closeCode);
    assertTrue(up.sent.isEmpty(), "a closed session's early frames are not delivered");
  }

  @Test
  void closesBothSidesAfterIdleTimeout() throws Exception {
    bridge(Limits.builder().idleTimeout(Duration.ofMillis(100)).build(), CloseCodes.BAD_GATEWAY,
        route());
    openUpstream();
    assertTrue(client.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(CloseCodes.GOING_AWAY, client.closeCode);
    assertEquals("Idle timeout", client.closeReason);
    assertTrue(up.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(CloseCodes.GOING_AWAY, up.closeCode);
  }

  @Test
  void abortsASideThatNeverFinishesClosing() throws Exception {
    Bridge b = bridge(Limits.builder().closeTimeout(Duration.ofMillis(50)).build(),
        CloseCodes.BAD_GATEWAY, route());
    openUpstream();
    b.clientListener().onClose(client, 4000, "bye", true);
    assertTrue(events.closed.await(WAIT_S, TimeUnit.SECONDS), "the watchdog must end the bridge");
    assertTrue(up.aborted);
    assertEquals(0, all.size());
  }

  @Test
  void listenerExceptionsDoNotBreakTheRelay() {
    ProxyListener throwing = new ProxyListener() {
      @Override
      public void messageRelayed(ConnectionInfo c, io.wsproxy.Direction d, int bytes) {
        throw new IllegalStateException("listener bug");
      }
    };
    BridgeContext ctx = new BridgeContext(connector, Limits.DEFAULTS, throwing, scheduler, 1014, all,
        ConnectMode.ACCEPT_FIRST, new AtomicLong());
    HandshakeRequest req = HandshakeRequest.builder().path("/x")
        .remoteAddress(new InetSocketAddress("127.0.0.1", 40000)).build();
    Bridge b = AcceptFirstBridge.start(ctx, 2, new HandshakeDecision.Accept(req, "127.0.0.1",
        Principal.ANONYMOUS, null, route(), Headers.EMPTY), client, List.of(), null, () -> { });
    openUpstream();
    b.clientListener().onText(client, Text.of("one"));
    b.clientListener().onText(client, Text.of("two"));
    assertEquals(List.of("one", "two"), up.sent);
  }

  @Test
  void cutsAFrozenUpstreamAndClosesItsClientWithTheFailureCode() throws Exception {
    Bridge b = bridge(Limits.builder().keepaliveInterval(Duration.ofMillis(100)).build(), 4502,
        route());
    client.onPing = () -> b.clientListener().onPong(client, ByteBuffer.allocate(0));
    openUpstream();
    assertTrue(up.pings.tryAcquire(WAIT_S, TimeUnit.SECONDS), "a silent upstream is pinged");
    assertTrue(client.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(4502, client.closeCode);
    assertEquals("Upstream unresponsive", client.closeReason);
    assertTrue(up.abortedLatch.await(WAIT_S, TimeUnit.SECONDS),
        "the frozen upstream is cut, not waited for");
  }

  @Test
  void cutsAFrozenClientAndClosesItsUpstreamWithGoingAway() throws Exception {
    bridge(Limits.builder().keepaliveInterval(Duration.ofMillis(100)).build(), 4502, route());
    openUpstream();
    // the upstream answers every ping; the client never does
    up.onPing = () -> upstreamListener.onPong(up, ByteBuffer.allocate(0));
    assertTrue(up.closed.await(WAIT_S, TimeUnit.SECONDS));
    assertEquals(CloseCodes.GOING_AWAY, up.closeCode);
    assertEquals("Client unresponsive", up.closeReason);
    assertTrue(client.abortedLatch.await(WAIT_S, TimeUnit.SECONDS));
  }

  @Test
  void keepsALegThatAnswersItsPingsOpen() throws Exception {
    Bridge b = bridge(Limits.builder().keepaliveInterval(Duration.ofMillis(50)).build(),
        CloseCodes.BAD_GATEWAY, route());
    up.onPing = () -> upstreamListener.onPong(up, ByteBuffer.allocate(0));
    client.onPing = () -> b.clientListener().onPong(client, ByteBuffer.allocate(0));
    openUpstream();
    assertTrue(up.pings.tryAcquire(3, WAIT_S, TimeUnit.SECONDS));
    assertTrue(client.pings.tryAcquire(3, WAIT_S, TimeUnit.SECONDS));
    assertEquals(0, client.closeCalls, "three pings answered each way: nothing is closed");
    assertEquals(0, up.closeCalls);
    assertFalse(up.aborted);
  }

  /** A keepalive leg that records what the keepalive did to it, check by check. */
  private static final class RecordingLeg implements Keepalive.Leg {
    int pings;
    int frozen;

    @Override
    public void ping(ByteBuffer payload) {
      pings++;
    }

    @Override
    public void frozen() {
      frozen++;
    }
  }

  @Test
  void keepalivePingsALegQuietForOneIntervalAndCutsItAtTheLastCheckBeforeTwo() {
    AtomicLong heard = new AtomicLong();
    RecordingLeg leg = new RecordingLeg();
    Keepalive k = new Keepalive(heard::get, leg);
    int perInterval = Keepalive.CHECKS_PER_INTERVAL;
    for (int check = 1; check < perInterval; check++) {
      k.run();
    }
    assertEquals(0, leg.pings, "no ping before one quiet interval");
    k.run();
    assertEquals(1, leg.pings, "pinged once quiet for one interval");
    for (int check = perInterval + 1; check < 2 * perInterval - 1; check++) {
      k.run();
    }
    assertEquals(0, leg.frozen, "the ping has until the last check before two intervals");
    k.run(); // quiet since the check before the first one: the next check would be past two
    assertEquals(1, leg.frozen, "cut at the last check before two intervals of silence");
    for (int check = 0; check < 3 * perInterval; check++) {
      k.run();
    }
    assertEquals(1, leg.pings, "one ping only");
    assertEquals(1, leg.frozen, "cut once");
  }

  @Test
  void keepaliveNeverCutsALegThatAnswersEachPingBeforeTheLastCheck() {
    AtomicLong heard = new AtomicLong();
    RecordingLeg leg = new RecordingLeg();
    Keepalive k = new Keepalive(heard::get, leg);
    int lastCheckBeforeCut = Keepalive.CUT_AT - 1;
    for (int ping = 1; ping <= 100; ping++) {
      for (int quiet = 1; quiet <= lastCheckBeforeCut; quiet++) {
        k.run();
      }
      assertEquals(ping, leg.pings, "pinged after each quiet interval");
      heard.incrementAndGet(); // its pong, as late as it can be
      k.run();
    }
    assertEquals(0, leg.frozen, "a leg that answers every ping is never cut");
  }

  @Test
  void keepaliveChecksFourTimesAnIntervalAndNeverAtAZeroPeriod() {
    assertEquals(Duration.ofMillis(7_500), Keepalive.checkPeriod(Duration.ofSeconds(30)));
    assertEquals(Duration.ofNanos(1), Keepalive.checkPeriod(Duration.ofNanos(3)));
  }

  /** Counts lifecycle events. */
  private static final class RecordingListener implements ProxyListener {
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicInteger closedCount = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger highWater = new AtomicInteger();
    volatile int lastClientCode;
    volatile int lastUpstreamCode;

    @Override
    public void upstreamFailed(ConnectionInfo connection, Throwable cause) {
      failed.incrementAndGet();
    }

    @Override
    public void queueHighWater(ConnectionInfo c, io.wsproxy.Direction d, long queuedBytes) {
      highWater.incrementAndGet();
    }

    @Override
    public void connectionClosed(ConnectionInfo connection, int clientCode, int upstreamCode,
        String reason) {
      lastClientCode = clientCode;
      lastUpstreamCode = upstreamCode;
      closedCount.incrementAndGet();
      closed.countDown();
    }
  }
}
