package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Headers;
import io.wsproxy.Rejection;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionGatewaysTest {

  private final Gateway fallback = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build();
  private final SessionGateways gateways = SessionGateways.builder(id -> Gateway.builder()
      .protocol(GatewayProtocol.JSON_RPC).version("session-" + id).build())
      .fallback(fallback).build();

  @AfterEach
  void close() {
    gateways.close();
    fallback.close();
  }

  private PendingHandshake handshake(String path) {
    return gateways.handshake(TestClient.request(Headers.EMPTY).toBuilder().path(path).build());
  }

  @Test
  void servesEachSessionsGatewayAtItsPathAndEndsItWith1001() throws Exception {
    Gateway abc = gateways.start("abc");
    PendingHandshake pending = handshake("/s/abc/gateway");
    assertInstanceOf(HandshakeDecision.Accept.class, TestClient.decide(pending));
    FakeChannel channel = new FakeChannel();
    WsListener listener = pending.open(channel);
    listener.onText(channel, Text.of("{\"id\":1,\"method\":\"system.health\"}"));
    JsonObject health = JsonParser.parseString(channel.next()).getAsJsonObject();
    assertEquals("session-abc", health.getAsJsonObject("result").get("version").getAsString());
    assertEquals(1, abc.clients().size());

    assertEquals(404, ((Rejection) TestClient.decide(handshake("/s/other/gateway"))).httpStatus());
    assertTrue(gateways.end("abc"));
    assertEquals(CloseCodes.GOING_AWAY, channel.awaitClose().code());
    assertTrue(abc.clients().isEmpty(), "its state is released");
    assertEquals(404, ((Rejection) TestClient.decide(handshake("/s/abc/gateway"))).httpStatus());
    assertTrue(gateways.sessions().isEmpty());
  }

  @Test
  void applyEndsTheGatewaysARoutesReloadEndedAndStartsTheNewOnes() throws Exception {
    io.wsproxy.routing.RoutesFile routes = io.wsproxy.routing.RoutesFile.parse("""
        {"publicDomain": "p.example", "sessions": [
          {"id": "a", "host": "127.0.0.1", "exposures": [{"port": 9}], "gateway": {}},
          {"id": "b", "host": "127.0.0.1", "exposures": [{"port": 9}], "gateway": {}}]}""", "r");
    routes.sessionGateways().keySet().forEach(gateways::start);
    PendingHandshake pending = handshake("/s/a/gateway");
    assertInstanceOf(HandshakeDecision.Accept.class, TestClient.decide(pending));
    FakeChannel channel = new FakeChannel();
    pending.open(channel);
    Gateway b = gateways.get("b").orElseThrow();

    gateways.apply(routes.reload("""
        {"publicDomain": "p.example", "sessions": [
          {"id": "b", "host": "127.0.0.1", "exposures": [{"port": 9}], "gateway": {}},
          {"id": "c", "host": "127.0.0.1", "exposures": [{"port": 9}], "gateway": {}}]}"""));

    assertEquals(CloseCodes.GOING_AWAY, channel.awaitClose().code());
    assertEquals(java.util.Set.of("b", "c"), gateways.sessions());
    assertEquals(b, gateways.get("b").orElseThrow(), "an unchanged session keeps its gateway");
  }

  @Test
  void otherPathsGoToTheFallbackAndIdsAreChecked() throws Exception {
    assertInstanceOf(HandshakeDecision.Accept.class, TestClient.decide(handshake("/s/abc/ws")));
    gateways.start("abc");
    assertThrows(IllegalStateException.class, () -> gateways.start("abc"));
    assertThrows(IllegalArgumentException.class, () -> gateways.start("../x"));
    assertEquals(fallback.limits(), gateways.limits());
  }
}
