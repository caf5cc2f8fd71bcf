package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectMode;
import io.wsproxy.Limits;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.RecordingListener.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.java_websocket.enums.Opcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport conformance kit: what every host server × upstream connector combination must do,
 * proven over real sockets on 127.0.0.1, port 0. A transport module runs it by extending this class
 * and implementing {@link #startProxyServer} and {@link #newUpstreamConnector}.
 *
 * <p>Statuses and close codes asserted here are the documented ones: in connect-first mode (the
 * default) an upstream that is down, refuses or answers a broken 101 refuses the client's upgrade
 * with 502 (its own 4xx relayed; 504 on the connect timeout); in accept-first mode, and for an
 * upstream that drops mid-stream, the client is closed with {@code upstreamFailureCloseCode} (1014
 * Bad Gateway by default); a client that drops closes its upstream with 1001; codes and reasons are
 * mirrored both ways; a frame over the limit closes its sender with 1009.
 *
 * <p>The class hierarchy splits the kit by theme: {@link RelayConformanceCases} (relay and handshake
 * data), {@link HardeningConformanceCases} (strict framing, header defaults, one-address caps),
 * {@link ConnectFirstConformanceCases} (subprotocols, upstream failures, cancelled dials, bursts on
 * open), {@link SlowReaderConformanceCases}, {@link HostileInputConformanceCases} (idle and slow
 * sockets, malformed upgrades, framing violations on both legs, frozen peers),
 * {@link MemoryBoundsConformanceCases} (tiny-fragment and ping floods within a small heap),
 * {@link FairnessConformanceCases} (a flood does not delay a bystander on the same loop),
 * {@link GatewayHardeningConformanceCases}; the test peers and the teardown in
 * {@link ConformanceFixture}. Every test closes what it opened, so a subclass needs no
 * setup of its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TransportConformanceKit extends GatewayHardeningConformanceCases {

  /** Upstream connections the drop test cuts, one after another. */
  static final int DROPPED_CONNECTIONS = 5;
  /** Clients of the half-close test, one after another (it hunts a race). */
  static final int HALF_CLOSING_CLIENTS = 10;
  /** Frame and message limits of the oversized-frame tests. */
  static final int SMALL_FRAME_LIMIT = 64 * Limits.KIB;
  /** Keepalive interval of the keepalive case, and the pings each leg must see and answer. */
  static final long KEEPALIVE_MILLIS = 100;
  static final int KEEPALIVE_PINGS = 4;

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
  void relaysLastMessageAndCloseOfAClientThatHalfClosesRightAfterItsCloseFrame() throws Exception {
    startEchoProxy();
    for (int i = 0; i < HALF_CLOSING_CLIENTS; i++) {
      RawClient client = connectRaw("/");
      UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
      client.sendText("first " + i);
      assertEquals("first " + i, up.next(AWAIT)); // the bridge is open
      client.sendTextThenCloseAndHalfClose("last " + i, 4000, "bye");
      assertEquals("last " + i, up.next(AWAIT), "client " + i);
      assertEquals(new Close(4000, "bye", true), up.awaitClose(PROMPTLY), "client " + i);
    }
    awaitNoProxyConnections();
  }

  @Test
  void flushesEarlyFramesAndMirrorsTheCloseOfAClientThatLeavesWhileUpstreamConnectsInAcceptFirst()
      throws Exception {
    startEchoProxy(ConnectMode.ACCEPT_FIRST); // connect-first cancels the dial instead
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
  void closesClientWith1014WhenUpstreamRefusesInAcceptFirstMode() throws Exception {
    int refused = refusedPort();
    startProxy(b -> b.route("/", "ws://127.0.0.1:" + refused)
        .connectMode(ConnectMode.ACCEPT_FIRST));
    TestClient client = connect("/");
    assertEquals(CloseCodes.BAD_GATEWAY, client.awaitClose(PROMPTLY).code());
    awaitNoProxyConnections();
  }

  @Test
  void closesClientWith1014WhenUpstreamIsUnreachableInAcceptFirstMode() throws Exception {
    int silent = silentServer().getLocalPort();
    java.time.Duration connectTimeout = java.time.Duration.ofSeconds(1);
    startProxy(b -> b.route("/", "ws://127.0.0.1:" + silent).connectMode(ConnectMode.ACCEPT_FIRST)
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
  void honoursUpstreamFailureCloseCode4502WhenUpstreamRefusesOrDropsInAcceptFirstMode()
      throws Exception {
    int refused = refusedPort();
    String echo = upstream().uri("").toString();
    startProxy(b -> b.route("/refused", "ws://127.0.0.1:" + refused).route("/echo", echo)
        .upstreamFailureCloseCode(4502).connectMode(ConnectMode.ACCEPT_FIRST));
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

  /** A proxy to the upstream peer whose frames and messages may be {@link #SMALL_FRAME_LIMIT}. */
  private void startSmallFrameProxy() throws Exception {
    String target = upstream().uri("").toString();
    startProxy(b -> b.route("/", target).limits(KIT_LIMITS.toBuilder()
        .maxFrameSize(SMALL_FRAME_LIMIT).maxMessageSize(SMALL_FRAME_LIMIT).build()));
  }

  @Test
  void closesOversizedFrameWith1009AndOtherConnectionsKeepWorking() throws Exception {
    startSmallFrameProxy();
    TestClient bystander = connect("/");
    UpstreamPeer.Conn bystanderUp = upstream().awaitConnection(AWAIT);
    TestClient offender = connect("/");
    UpstreamPeer.Conn offenderUp = upstream().awaitConnection(AWAIT);

    offender.sendBinary(new byte[SMALL_FRAME_LIMIT + 1]);
    Close tooBig = offender.awaitClose(PROMPTLY);
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, tooBig.code());
    // the reason is the proxy's own, not a transport library's ("Payloadsize is to big...")
    assertTrue(!tooBig.reason().contains("Payloadsize"), "close reason: " + tooBig.reason());
    offenderUp.awaitClose(PROMPTLY);
    assertTrue(offenderUp.receivedNothing(), "nothing of the oversized frame reached upstream");

    bystander.sendBinary(new byte[SMALL_FRAME_LIMIT]);
    assertEquals(SMALL_FRAME_LIMIT, ((byte[]) bystander.next(AWAIT)).length);
    assertEquals(SMALL_FRAME_LIMIT, ((byte[]) bystanderUp.next(AWAIT)).length);
    TestClient newcomer = connect("/");
    newcomer.sendText("still serving");
    assertEquals("still serving", newcomer.next(AWAIT));
  }

  /**
   * A client still sending a message the proxy refused with 1009 (a browser uploading it, say) can
   * finish its writes and read the close: the proxy goes on reading (and dropping) what follows its
   * close frame until the client ends, instead of closing its socket under the client, whose writes
   * the kernel then answers with a reset (the JDK's client reported 1006 then, not 1009).
   */
  @Test
  void aClientStillSendingARefusedMessageReadsTheCloseAndIsNotReset() throws Exception {
    startSmallFrameProxy();
    RawClient client = connectRaw("/");
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    int chunk = 8 * 1024;
    int chunks = 256; // 2 MiB: more than the sockets buffer before the proxy could close
    client.startBinaryFrame((long) chunk * (chunks + 1), chunk);
    client.readTimeout(AWAIT);
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.readCloseCode());
    // the rest of the message, as the client had sent it before it read the close
    for (int i = 0; i < chunks; i++) {
      client.sendRaw(new byte[chunk]); // a reset fails these writes
    }
    client.sendClose(CloseCodes.MESSAGE_TOO_BIG);
    assertTrue(client.endsWithFin(), "the proxy ends the connection with a FIN, not a reset");
    up.awaitClose(PROMPTLY);
    assertTrue(up.receivedNothing(), "nothing of the refused message reached the upstream");
    awaitNoProxyConnections();
  }

  @Test
  void closesBothSidesWith1009WhenUpstreamSendsAnOversizedMessage() throws Exception {
    startSmallFrameProxy();
    TestClient client = connect("/");
    UpstreamPeer.Conn up = roundTrip(client);
    up.send(new byte[SMALL_FRAME_LIMIT + 1]);
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.awaitClose(PROMPTLY).code());
    int atUpstream = up.awaitClose(PROMPTLY).code();
    // a transport that cannot send 1009 (the JDK client) gets it mapped to 1008
    int jdkMapped = CloseCodes.POLICY_VIOLATION;
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

  /**
   * The keepalive pings a quiet leg and cuts one that stays silent: both legs here answer their
   * pings, so a quiet connection must survive many intervals. A transport that does not report
   * pongs to the core would lose every idle connection.
   */
  @Test
  void keepsAQuietConnectionWhosePeersAnswerTheKeepalivePingsOpen() throws Exception {
    UpstreamPeer peer = upstream();
    String target = peer.uri("").toString();
    startProxy(b -> b.route("/", target).limits(KIT_LIMITS.toBuilder()
        .keepaliveInterval(java.time.Duration.ofMillis(KEEPALIVE_MILLIS)).build()));
    TestClient client = connect("/");
    roundTrip(client);
    assertTrue(ThreadLeaks.await(AWAIT, () -> client.pingsReceived() >= KEEPALIVE_PINGS),
        "the proxy pings a quiet client: " + client.pingsReceived());
    assertTrue(ThreadLeaks.await(AWAIT, () -> peer.pingsReceived() >= KEEPALIVE_PINGS),
        "the proxy pings a quiet upstream: " + peer.pingsReceived());
    client.sendText("still there");
    assertEquals("still there", client.next(AWAIT), "the connection outlived the pings");
    assertEquals(1, proxy().connectionCount());
  }

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
    assertUpgradeRefused(502, "/refused"); // connect-first: the client sees the upstream's failure
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
    assertUpgradeRefused(502, "/refused");
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
}
