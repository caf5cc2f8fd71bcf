package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.wsproxy.Principal;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvelopeParityTest {

  private final Gateway gateway = Gateway.builder().build(); // envelope by default

  @AfterEach
  void close() {
    gateway.close();
  }

  @Test
  void announcesSessionInfoOnOpenWithClientIdAndAuthRequired() throws Exception {
    TestClient c = TestClient.connect(gateway);
    assertEquals(Gateway.SESSION_INFO_EVENT, c.sessionInfo.get("type").getAsString());
    JsonObject info = c.sessionInfo.getAsJsonObject("payload");
    assertEquals(c.idViaEnvelope(), info.get("clientId").getAsString());
    assertFalse(info.get("authRequired").getAsBoolean());
    try (Gateway auth = Gateway.builder()
        .messageAuth(CredentialsValidator.token("s3cret-s3cret-s3cret", Principal.of("u")))
        .build()) {
      assertTrue(TestClient.connect(auth).sessionInfo.getAsJsonObject("payload")
          .get("authRequired").getAsBoolean());
    }
    try (Gateway rpc = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build()) {
      TestClient quiet = TestClient.connect(rpc);
      assertTrue(quiet.rpc("ping", null).has("result"));
      assertTrue(quiet.drain().isEmpty(), "JSON-RPC clients get nothing unasked by default");
    }
  }

  @Test
  void helloOkCarriesAPresenceSnapshot() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    a.envelope("connect", null, "{\"device\":\"laptop\"}");
    JsonArray presence = b.envelope("connect", null, null).getAsJsonObject("payload")
        .getAsJsonArray("presence");
    assertEquals(2, presence.size());
    assertEquals("laptop", presence.get(0).getAsJsonObject().getAsJsonObject("metadata")
        .get("device").getAsString());
  }

  @Test
  void chatBroadcastsToTheOtherMembersOfTheSession() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    a.envelope("session_join", "room", null);
    b.envelope("session_join", "room", null);
    JsonObject ok = a.envelope("chat", "room", "{\"text\":\"hi all\"}");
    assertEquals("chat_ok", ok.get("type").getAsString());
    assertEquals(1, ok.getAsJsonObject("payload").get("delivered").getAsInt());
    JsonObject got = b.awaitType(Gateway.CHAT_EVENT).getAsJsonObject("payload");
    assertEquals("hi all", got.get("text").getAsString());
    assertEquals("room", got.get("sessionId").getAsString());
    TestClient outsider = TestClient.connect(gateway);
    assertEquals(ErrorCodes.FORBIDDEN, outsider.envelope("chat", "room", "{\"text\":\"x\"}")
        .getAsJsonObject("payload").get("code").getAsInt());
  }

  @Test
  void unhandledTypesGoToTheHostWhenConfigured() throws Exception {
    try (Gateway host = Gateway.builder()
        .unhandled(call -> Map.of("seen", call.method())).build()) {
      TestClient c = TestClient.connect(host);
      JsonObject reply = c.envelope("custom_thing", null, "{}");
      assertEquals("custom_thing_ok", reply.get("type").getAsString());
      assertEquals("custom_thing", reply.getAsJsonObject("payload").get("seen").getAsString());
      assertEquals(1L, host.requestsByType().get("(unknown)"));
    }
  }

  @Test
  void hostBroadcastsToAllClientsWithAFilter() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    a.envelope("connect", null, "{\"role\":\"ui\"}");
    b.envelope("connect", null, "{\"role\":\"agent\"}");
    assertEquals(1, gateway.broadcastAll("notice", Map.of("n", 1),
        c -> "ui".equals(c.metadata().get("role"))));
    assertEquals(1, a.awaitType("notice").getAsJsonObject("payload").get("n").getAsInt());
    assertEquals(2, gateway.broadcastAll("all", Map.of()));
    b.awaitType("all");
    assertTrue(b.drain().stream().noneMatch(m -> m.get("type").getAsString().equals("notice")));
  }

  @Test
  void hostCreatesSessionsManagesMembersAndEndsThem() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    String aId = a.idViaEnvelope();
    String bId = b.idViaEnvelope();
    SessionInfo created = gateway.createSession("ops", Map.of("topic", "deploys"));
    assertTrue(created.members().isEmpty());
    assertEquals(GatewayException.class, assertThrows(GatewayException.class,
        () -> gateway.createSession("ops", null)).getClass());
    assertTrue(gateway.addMember("ops", aId));
    assertTrue(gateway.addMember("ops", bId));
    assertEquals("join", a.awaitType(Gateway.PRESENCE_EVENT).getAsJsonObject("payload")
        .get("action").getAsString());
    assertTrue(gateway.removeMember("ops", bId));
    assertFalse(gateway.removeMember("ops", bId));
    gateway.removeMember("ops", aId);
    assertTrue(gateway.session("ops").isPresent(), "a host's session outlives its members");
    gateway.addMember("ops", aId);
    assertTrue(gateway.endSession("ops", "maintenance"));
    JsonObject ended = a.awaitType(Gateway.SESSION_ENDED_EVENT).getAsJsonObject("payload");
    assertEquals("maintenance", ended.get("reason").getAsString());
    assertTrue(gateway.session("ops").isEmpty());
    assertTrue(gateway.client(aId).orElseThrow().sessions().isEmpty());
    assertFalse(gateway.endSession("ops", null));
  }

  @Test
  void statsCountRequestsPerType() throws Exception {
    TestClient c = TestClient.connect(gateway);
    c.envelope("ping", null, null);
    c.envelope("ping", null, null);
    c.envelope("nope", null, null);
    JsonObject byType = c.envelope("stats", null, null).getAsJsonObject("payload")
        .getAsJsonObject("requestsByType");
    assertEquals(2, byType.get("ping").getAsInt());
    assertEquals(1, byType.get("(unknown)").getAsInt());
  }
}
