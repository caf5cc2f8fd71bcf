package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Headers;
import io.wsproxy.Rejection;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class GatewayLifecycleTest {

  @Test
  void builderNamesTheFieldOfEveryBadValue() {
    GatewayBuilder b = Gateway.builder();
    assertMessage("authTimeout", () -> b.authTimeout(Duration.ZERO));
    assertMessage("maxJsonDepth", () -> b.maxJsonDepth(0));
    assertMessage("maxJsonDepth", () -> b.maxJsonDepth(Gateway.MAX_JSON_DEPTH + 1));
    assertMessage("rateLimit", () -> b.rateLimit(0, 10));
    assertMessage("rateLimit burst", () -> b.rateLimit(1, 0));
    assertMessage("pingInterval", () -> b.pingInterval(Duration.ofSeconds(-1)));
    assertMessage("clientTimeout", () -> b.clientTimeout(Duration.ZERO));
    assertMessage("agentRequestTimeout", () -> b.agentRequestTimeout(Duration.ofHours(1)));
    assertMessage("maxAgents", () -> b.maxAgents(0));
    assertMessage("version", () -> b.version(" "));
    assertThrows(NullPointerException.class, () -> b.protocol(null));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Gateway.builder().pingInterval(Duration.ofSeconds(30))
            .clientTimeout(Duration.ofSeconds(30)).build());
    assertTrue(e.getMessage().contains("clientTimeout"));
  }

  private static void assertMessage(String field, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(field), e.getMessage());
  }

  @Test
  void toBuilderKeepsTheConfiguration() {
    try (Gateway g = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build();
        Gateway copy = g.toBuilder().build()) {
      assertEquals(GatewayProtocol.JSON_RPC, copy.protocol());
      assertEquals(Gateway.DEFAULT_MAX_MESSAGE_SIZE, copy.gatewayLimits().maxMessageSize());
    }
  }

  @Test
  void givesTheTransportFramesAndMessagesAboveTheGatewayLimitSoTheGatewayCanAnswer() {
    try (Gateway g = Gateway.builder().limits(io.wsproxy.Limits.DEFAULTS.toBuilder()
        .maxFrameSize(1000).maxMessageSize(1000).build()).build();
        Gateway big = Gateway.builder().build()) {
      assertEquals(1000, g.gatewayLimits().maxMessageSize());
      assertEquals(1000 + Gateway.TRANSPORT_HEADROOM_BYTES, g.limits().maxMessageSize());
      assertEquals(1000 + Gateway.TRANSPORT_HEADROOM_BYTES, g.limits().maxFrameSize());
      assertEquals(2 * Gateway.DEFAULT_MAX_MESSAGE_SIZE, big.limits().maxMessageSize(),
          "a limit larger than the headroom is doubled");
    }
  }

  @Test
  void refusesHandshakeFromOriginTheFilterRefusesAndTellsTheListener() throws Exception {
    List<Rejection> rejected = new CopyOnWriteArrayList<>();
    try (Gateway g = Gateway.builder()
        .originFilter(r -> r.header("Origin").filter("https://app.example"::equals).isPresent())
        .listener(new GatewayListener() {
          @Override
          public void handshakeRejected(io.wsproxy.HandshakeRequest request, Rejection r) {
            rejected.add(r);
          }
        }).build()) {
      HandshakeDecision d = TestClient.handshake(g, Headers.of("Origin", "https://evil.example"));
      assertEquals(403, assertInstanceOf(Rejection.class, d).httpStatus());
      assertEquals(1, rejected.size());
      HandshakeDecision ok = TestClient.handshake(g, Headers.of("Origin", "https://app.example"));
      HandshakeDecision.Accept accept = assertInstanceOf(HandshakeDecision.Accept.class, ok);
      assertEquals(null, accept.route(), "a gateway accepts without a route");
    }
  }

  @Test
  void capsConnectionsPerAddressFromTheHandshakeOnAndFreesTheSlotOnDisconnect() throws Exception {
    try (Gateway g = Gateway.builder().limits(Gateway.DEFAULT_LIMITS.toBuilder()
        .maxConnectionsPerAddress(1).build()).build()) {
      PendingHandshake first = TestClient.pending(g, Headers.EMPTY);
      assertInstanceOf(HandshakeDecision.Accept.class, TestClient.decide(first));
      Rejection full = assertInstanceOf(Rejection.class, TestClient.handshake(g, Headers.EMPTY),
          "an accepted handshake holds its slot before it is opened");
      assertEquals(429, full.httpStatus());
      FakeChannel firstChannel = new FakeChannel();
      WsListener firstListener = first.open(firstChannel);
      assertInstanceOf(Rejection.class, TestClient.handshake(g, Headers.EMPTY));
      firstListener.onClose(firstChannel, 1000, "", true);
      PendingHandshake again = TestClient.pending(g, Headers.EMPTY);
      assertInstanceOf(HandshakeDecision.Accept.class, TestClient.decide(again));
      again.abandon();
      assertInstanceOf(HandshakeDecision.Accept.class, TestClient.handshake(g, Headers.EMPTY),
          "an abandoned handshake gives its slot back");
    }
  }

  @Test
  void survivesAListenerThatThrows() throws Exception {
    try (Gateway g = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .listener(new GatewayListener() {
          @Override
          public void clientConnected(ClientInfo client) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void sessionCreated(SessionInfo session) {
            throw new IllegalStateException("listener bug");
          }
        }).build()) {
      TestClient c = TestClient.connect(g);
      assertTrue(c.rpc("rooms.join", "{\"sessionId\":\"a\"}").has("result"));
    }
  }

  @Test
  void closeSendsGoingAwayToEveryClientAndRefusesLaterOnes() throws Exception {
    List<Integer> codes = new CopyOnWriteArrayList<>();
    Gateway g = Gateway.builder().listener(new GatewayListener() {
      @Override
      public void clientDisconnected(ClientInfo client, int code, String reason) {
        codes.add(code);
      }
    }).build();
    TestClient a = TestClient.connect(g);
    TestClient b = TestClient.connect(g);
    PendingHandshake late = TestClient.pending(g, Headers.EMPTY);
    assertInstanceOf(HandshakeDecision.Accept.class, TestClient.decide(late));
    g.close();
    g.close();
    assertEquals(CloseCodes.GOING_AWAY, a.channel.awaitClose().code());
    assertEquals(Gateway.SHUTDOWN_REASON, b.channel.awaitClose().reason());
    assertEquals(List.of(1001, 1001), codes);
    FakeChannel lateChannel = new FakeChannel();
    late.open(lateChannel);
    assertEquals(CloseCodes.GOING_AWAY, lateChannel.awaitClose().code());
    assertTrue(g.clients().isEmpty());
  }

  @Test
  void reportsEachDisconnectOnceWithThePeersCode() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    try (Gateway g = Gateway.builder().listener(new GatewayListener() {
      @Override
      public void clientConnected(ClientInfo client) {
        events.add("connected");
      }

      @Override
      public void clientDisconnected(ClientInfo client, int code, String reason) {
        events.add("disconnected " + code + " " + reason);
      }
    }).build()) {
      TestClient c = TestClient.connect(g);
      c.disconnect();
      c.listener.onClose(c.channel, 1006, "", false); // a transport repeating itself
      assertEquals(List.of("connected", "disconnected 1000 bye"), events);
    }
  }

  @Test
  void closesClientThatDoesNotReadItsMessages() throws Exception {
    try (Gateway g = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build()) {
      TestClient slow = TestClient.connect(g);
      TestClient sender = TestClient.connect(g);
      slow.rpc("rooms.join", "{\"sessionId\":\"r\"}");
      sender.rpc("rooms.join", "{\"sessionId\":\"r\"}");
      slow.channel.queuedBytes = g.limits().maxQueuedBytes() + 1;
      sender.rpc("rooms.broadcast", "{\"sessionId\":\"r\",\"data\":\"x\"}");
      assertEquals(Gateway.CLOSE_SLOW_CONSUMER, slow.channel.awaitClose().code());
      assertEquals(1, g.clients().size());
    }
  }

  @Test
  void dropsAMemberWhoseBacklogPassedTheBoundAndCountsOnlyTheMembersSentTo() throws Exception {
    long bound = 64 * 1024;
    try (Gateway g = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .maxQueuedBytesPerClient(bound).build()) {
      TestClient atBound = TestClient.connect(g);
      TestClient past = TestClient.connect(g);
      TestClient sender = TestClient.connect(g);
      for (TestClient c : new TestClient[] {atBound, past, sender}) {
        c.rpc("rooms.join", "{\"sessionId\":\"r\"}");
      }
      atBound.channel.queuedBytes = bound; // at the bound, not past it: still sent to
      past.channel.queuedBytes = bound + 1;
      JsonObject reply = sender.rpc("rooms.broadcast", "{\"sessionId\":\"r\",\"data\":\"x\"}");
      assertEquals(1, reply.getAsJsonObject("result").get("delivered").getAsInt());
      FakeChannel.Close close = past.channel.awaitClose();
      assertEquals(Gateway.CLOSE_SLOW_CONSUMER, close.code());
      assertEquals(Gateway.SLOW_CONSUMER_REASON, close.reason());
      assertFalse(atBound.channel.closed.isDone(), "a member at the bound is kept");
      assertEquals(2, g.session("r").orElseThrow().members().size());
    }
    assertThrows(IllegalArgumentException.class,
        () -> Gateway.builder().maxQueuedBytesPerClient(0), "maxQueuedBytesPerClient");
  }

  @Test
  void servesOnlyItsPathWhenOneIsSet() throws Exception {
    try (Gateway g = Gateway.builder().path("/gateway").build()) {
      HandshakeDecision other = TestClient.decide(g.handshake(
          TestClient.request(Headers.EMPTY).toBuilder().path("/elsewhere").build()));
      assertEquals(404, ((Rejection) other).httpStatus());
      assertInstanceOf(HandshakeDecision.Accept.class, TestClient.handshake(g, Headers.EMPTY),
          "TestClient asks for /gateway");
    }
    assertThrows(IllegalArgumentException.class, () -> Gateway.builder().path("gw"));
  }
}
