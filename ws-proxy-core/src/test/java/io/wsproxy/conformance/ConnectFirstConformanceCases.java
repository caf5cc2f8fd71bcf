package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectMode;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.RejectionMode;
import io.wsproxy.Route;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Connect-first, the proxy's default: the client's upgrade is answered only once the upstream
 * answered. The client gets the subprotocol the upstream chose from the client's whole offer; an
 * upstream that is down, refuses, breaks RFC 6455 in its 101 or never answers gives the client an
 * HTTP status (502, its own 4xx, 502, 504), or the configured close code in close-code mode; a
 * client that leaves while its upstream is dialled cancels the dial; and a burst the client sends
 * right on open, or pipelines behind its upgrade request, is relayed whole and in order, in either
 * mode. Not meant to be extended directly.
 */
public abstract class ConnectFirstConformanceCases extends SlowReaderConformanceCases {

  /** Messages of the burst-on-open cases: the burst that used to be closed with 1013. */
  static final int BURST = 5_000;
  /**
   * Messages a client pipelines behind its upgrade request, before the 101 (RFC 6455 4.1 says it
   * must wait; some do not): about 16 KB, within the small bound a transport that holds the bytes
   * instead of pausing its reads may set (the Java-WebSocket adapter's is 64 KiB).
   */
  static final int PIPELINED = 1_000;
  /** How late the slow upstream answers its upgrades. */
  static final Duration SLOW_UPSTREAM = Duration.ofMillis(400);
  /** Connect timeout of the cases that wait for it to run out. */
  static final Duration SHORT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  /** How much later than the connect timeout the 504 may arrive. */
  static final Duration TIMEOUT_SLACK = Duration.ofSeconds(2);
  /**
   * Connect timeout of the cancellation case: far longer than {@link #PROMPTLY}, so a hang-up seen
   * within {@code PROMPTLY} is the cancellation, not the timeout.
   */
  static final Duration LONG_CONNECT_TIMEOUT = Duration.ofSeconds(40);
  /** The close code the close-code-mode case configures for upstream failures. */
  static final int FAILURE_CODE = 4502;
  /** A bearer token offered in the subprotocol list. */
  static final String TOKEN = "s3cret-token-0123";

  // ---------------------------------------------------------------- subprotocols

  @Test
  void givesTheClientTheSubprotocolTheUpstreamChoseFromTheClientsWholeOffer() throws Exception {
    UpstreamPeer onlyB = startUpstream(List.of("b"), false);
    startProxy(b -> b.route("/", onlyB.uri("").toString()));
    TestClient client = connect("/", c -> c.subprotocols("a", "b", "c"));
    assertEquals("b", client.subprotocol(), "the upstream's choice");
    UpstreamPeer.Conn up = onlyB.awaitConnection(AWAIT);
    assertEquals(List.of("a", "b", "c"), up.offeredProtocols(), "the whole offer, in order");
    assertEquals("b", up.protocol());
    client.sendText("in b");
    assertEquals("in b", client.next(AWAIT));
  }

  @Test
  void givesTheClientNoSubprotocolWhenTheUpstreamSelectsNone() throws Exception {
    UpstreamPeer none = startUpstream(List.of(), true);
    startProxy(b -> b.route("/", none.uri("").toString()));
    TestClient client = connect("/", c -> c.subprotocols("a", "b"));
    assertEquals("", client.subprotocol(), "none, as the upstream answered");
    UpstreamPeer.Conn up = none.awaitConnection(AWAIT);
    assertEquals(List.of("a", "b"), up.offeredProtocols());
    assertNull(up.protocol());
    client.sendText("no subprotocol");
    assertEquals("no subprotocol", client.next(AWAIT));
  }

  @Test
  void neverOffersTheBearerCredentialUpstream() throws Exception {
    UpstreamPeer onlyB = startUpstream(List.of("b"), false);
    startProxy(b -> b.route("/", onlyB.uri("").toString())
        .authValidator(AuthValidator.bearerTokens(TOKEN).alsoFromSubprotocol()));
    TestClient client = connect("/", c -> c.subprotocols("bearer", TOKEN, "b"));
    assertEquals("b", client.subprotocol());
    UpstreamPeer.Conn up = onlyB.awaitConnection(AWAIT);
    assertEquals(List.of("b"), up.offeredProtocols(), "neither 'bearer' nor the token upstream");
    assertTrue(up.headers().values().stream().noneMatch(v -> v.contains(TOKEN)),
        () -> "the token reached the upstream: " + up.headers());
  }

  // ---------------------------------------------------------------- a burst on open

  @ParameterizedTest(name = "{0}")
  @EnumSource(ConnectMode.class)
  void relaysInOrder5000MessagesSentOnOpenToAnUpstreamThatAccepts400msLate(ConnectMode mode)
      throws Exception {
    upstream().delayHandshakes(SLOW_UPSTREAM);
    startEchoProxy(mode);
    List<String> burst = burst("open-", BURST);
    FrameClient client = register(FrameClient.connectSendingOnOpen(proxyUri("/burst"), burst));
    assertRelayedAndEchoedInOrder(burst, () -> client.next(AWAIT));
  }

  /**
   * A frame over 16 KiB right after the 101 is a message, not more of the upgrade request: the old
   * Java-WebSocket guard answered some of these with "431" written into the WebSocket stream (found
   * by the bench, 9 of 30 connections).
   */
  @Test
  void relaysAMessageOver16KiBSentTheMomentTheClientOpens() throws Exception {
    startEchoProxy();
    for (int i = 0; i < LARGE_ON_OPEN_CONNECTIONS; i++) {
      String large = i + ":" + "x".repeat(64 * 1024);
      FrameClient client = register(FrameClient.connectSendingOnOpen(proxyUri("/large"),
          List.of(large)));
      assertEquals(large, client.next(AWAIT), "connection " + i);
      client.close();
    }
    awaitNoProxyConnections();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ConnectMode.class)
  void relaysInOrder1000MessagesPipelinedBehindTheUpgradeRequest(ConnectMode mode)
      throws Exception {
    upstream().delayHandshakes(SLOW_UPSTREAM);
    startEchoProxy(mode);
    List<String> burst = burst("piped-", PIPELINED);
    RawClient client = register(RawClient.send(proxyPort(), "/piped", AWAIT, List.of()));
    client.sendTexts(burst); // before the 101: a pipelining client does not wait for it
    client.awaitUpgrade();
    assertRelayedAndEchoedInOrder(burst, client::readTextMessage);
  }

  /** The client's next echo. */
  private interface Echoes {
    Object next() throws Exception;
  }

  private void assertRelayedAndEchoedInOrder(List<String> burst, Echoes echoes) throws Exception {
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    for (String m : burst) {
      assertEquals(m, up.next(AWAIT), "upstream order");
    }
    for (String m : burst) {
      assertEquals(m, echoes.next(), "echo order");
    }
  }

  // ---------------------------------------------------------------- upstream failures

  @Test
  void refusesTheUpgradeWith502WhenTheUpstreamIsDown() throws Exception {
    int down = refusedPort();
    startProxy(b -> b.route("/", "ws://127.0.0.1:" + down));
    assertUpgradeRefused(502, "/");
    awaitNoProxyConnections();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {401, 403, 404, 429})
  void relaysTheUpstreamsRefusalStatusToTheClient(int status) throws Exception {
    ScriptedUpstream refusing = scripted(ScriptedUpstream.answeringStatus(status));
    startProxy(b -> b.route("/", refusing.uri("").toString()));
    assertUpgradeRefused(status, "/refused");
    assertTrue(refusing.awaitRequest(AWAIT).startsWith("GET /refused "));
    awaitNoProxyConnections();
  }

  @Test
  void refusesTheUpgradeWith502WhenTheUpstreams101HasAWrongAccept() throws Exception {
    assertBrokenUpstream101RefusedWith502(ScriptedUpstream.answeringWrongAccept());
  }

  @Test
  void refusesTheUpgradeWith502WhenTheUpstreamSelectsASubprotocolNotOffered() throws Exception {
    assertBrokenUpstream101RefusedWith502(ScriptedUpstream.answeringSubprotocol("zzz"));
  }

  @Test
  void refusesTheUpgradeWith502WhenTheUpstreamSelectsAnExtension() throws Exception {
    assertBrokenUpstream101RefusedWith502(ScriptedUpstream.answeringUnofferedExtension());
  }

  private void assertBrokenUpstream101RefusedWith502(ScriptedUpstream broken) throws Exception {
    scripted(broken);
    startProxy(b -> b.route("/", broken.uri("").toString()));
    assertUpgradeRefused(502, "/", "Sec-WebSocket-Protocol: a");
    assertTrue(broken.awaitRequest(AWAIT).startsWith("GET / "), "the upstream was dialled");
    broken.awaitHangUp(PROMPTLY); // and the broken upstream connection dropped
    awaitNoProxyConnections();
  }

  @Test
  void refusesTheUpgradeWith504WithinTheConnectTimeoutWhenTheUpstreamNeverAnswers()
      throws Exception {
    ScriptedUpstream silent = scripted(ScriptedUpstream.answeringNothing());
    startProxy(b -> b.route("/", silent.uri("").toString())
        .limits(KIT_LIMITS.toBuilder().connectTimeout(SHORT_CONNECT_TIMEOUT).build()));
    long start = System.nanoTime();
    assertUpgradeRefused(504, "/");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(SHORT_CONNECT_TIMEOUT.plus(TIMEOUT_SLACK)) < 0,
        () -> "504 after " + took + " with a connect timeout of " + SHORT_CONNECT_TIMEOUT);
    silent.awaitHangUp(PROMPTLY);
    awaitNoProxyConnections();
  }

  @Test
  void closesWithTheConfiguredCodeInCloseCodeModeWhenTheUpstreamIsDownOrBroken()
      throws Exception {
    int down = refusedPort();
    ScriptedUpstream broken = scripted(ScriptedUpstream.answeringWrongAccept());
    startProxy(b -> b.route("/down", "ws://127.0.0.1:" + down)
        .route("/broken", broken.uri("").toString())
        .rejectionMode(RejectionMode.CLOSE_CODE).upstreamFailureCloseCode(FAILURE_CODE));
    for (String path : List.of("/down", "/broken")) {
      TestClient client = connect(path); // the upgrade completes, then the close says why
      assertEquals(FAILURE_CODE, client.awaitClose(PROMPTLY).code(), path);
    }
    awaitNoProxyConnections();
  }

  @Test
  void closesEachRouteWithItsOwnUpstreamFailureCodeElseTheProxysWhenDownOrDropped()
      throws Exception {
    URI down = URI.create("ws://127.0.0.1:" + refusedPort());
    URI echo = upstream().uri("");
    // the proxy sets no code: routes without their own get the default, 1014
    startProxy(b -> b.rejectionMode(RejectionMode.CLOSE_CODE).routes(PathPrefixRoutes.builder()
        .route("/own/down", Route.to(down).withUpstreamFailureCloseCode(FAILURE_CODE))
        .route("/proxy/down", Route.to(down))
        .route("/own/accepting", Route.to(down).withConnectMode(ConnectMode.ACCEPT_FIRST)
            .withUpstreamFailureCloseCode(FAILURE_CODE))
        .route("/own/echo", Route.to(echo).withUpstreamFailureCloseCode(FAILURE_CODE))
        .route("/proxy/echo", Route.to(echo))
        .build()));
    // close-code mode, upstream down: the upgrade completes, then the close says why
    assertEquals(FAILURE_CODE, connect("/own/down").awaitClose(PROMPTLY).code(), "/own/down");
    assertEquals(CloseCodes.BAD_GATEWAY, connect("/proxy/down").awaitClose(PROMPTLY).code(),
        "/proxy/down");
    // an accept-first route: answered first, then closed with its code
    assertEquals(FAILURE_CODE, connect("/own/accepting").awaitClose(PROMPTLY).code(),
        "/own/accepting");
    // mid-connection: a round trip first, so the drop is not a connect failure
    for (String path : List.of("/own/echo", "/proxy/echo")) {
      TestClient client = connect(path);
      roundTrip(client).drop();
      int expected = path.startsWith("/own") ? FAILURE_CODE : CloseCodes.BAD_GATEWAY;
      assertEquals(expected, client.awaitClose(PROMPTLY).code(), path);
    }
    awaitNoProxyConnections();
  }

  @Test
  void answersEachRouteInItsOwnConnectMode() throws Exception {
    URI down = URI.create("ws://127.0.0.1:" + refusedPort());
    startProxy(b -> b.routes(PathPrefixRoutes.builder()
        .route("/first", Route.to(down))
        .route("/accepting", Route.to(down).withConnectMode(ConnectMode.ACCEPT_FIRST))
        .build()));
    assertUpgradeRefused(502, "/first"); // the proxy's default: connect-first
    TestClient accepted = connect("/accepting"); // that route answers first, then closes
    assertEquals(CloseCodes.BAD_GATEWAY, accepted.awaitClose(PROMPTLY).code());
    awaitNoProxyConnections();
  }

  // ---------------------------------------------------------------- a client that leaves

  @Test
  void cancelsTheDialWhenTheClientLeavesWhileItsUpstreamIsDialled() throws Exception {
    ScriptedUpstream silent = scripted(ScriptedUpstream.answeringNothing());
    // a connector that cannot abort an upgrade in flight gives it up at its connect timeout
    boolean aborts = abortsUpgradesInFlight();
    Duration connectTimeout = aborts ? LONG_CONNECT_TIMEOUT : KIT_CONNECT_TIMEOUT;
    startProxy(b -> b.route("/", silent.uri("").toString())
        .limits(KIT_LIMITS.toBuilder().connectTimeout(connectTimeout).build()));
    RawClient client = register(RawClient.send(proxyPort(), "/leaving", AWAIT, List.of()));
    assertTrue(silent.awaitRequest(AWAIT).startsWith("GET /leaving "), "the dial started");
    client.dropTcp();
    awaitNoProxyConnections(); // the client's slot is free at once either way
    // aborting: well before the connect timeout; otherwise within it
    silent.awaitHangUp(aborts ? PROMPTLY : connectTimeout.plus(PROMPTLY));
    assertTrue(ThreadLeaks.await(AWAIT, () -> silent.openConnections() == 0),
        () -> "upstream connections still open: " + silent.openConnections());
    awaitNoProxyConnections();
  }

  /** Connections of the large-message-on-open case (the bug it guards hit a third of them). */
  static final int LARGE_ON_OPEN_CONNECTIONS = 20;

  private static List<String> burst(String prefix, int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(prefix + i);
    }
    return out;
  }
}
