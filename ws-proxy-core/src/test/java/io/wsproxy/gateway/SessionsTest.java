package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionsTest {

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
      .listener(new GatewayListener() {
        @Override
        public void sessionCreated(SessionInfo session) {
          events.add("created " + session.id());
        }

        @Override
        public void sessionRemoved(String sessionId) {
          events.add("removed " + sessionId);
        }
      }).build();

  @AfterEach
  void close() {
    gateway.close();
  }

  @Test
  void broadcastReachesEveryOtherMemberButNotTheSender() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    TestClient c = TestClient.connect(gateway);
    TestClient outsider = TestClient.connect(gateway);
    String aId = a.idViaRpc();
    for (TestClient t : List.of(a, b, c)) {
      t.rpc("rooms.join", "{\"sessionId\":\"room\"}");
    }
    a.drain();
    b.drain();
    c.drain();
    JsonObject reply = a.rpc("rooms.broadcast", "{\"sessionId\":\"room\",\"data\":{\"text\":\"hi\"}}");
    assertEquals(2, reply.getAsJsonObject("result").get("delivered").getAsInt());
    for (TestClient t : List.of(b, c)) {
      JsonObject event = t.awaitEvent(Gateway.SESSION_MESSAGE_EVENT);
      assertEquals("room", event.get("sessionId").getAsString());
      assertEquals(aId, event.getAsJsonObject("data").get("from").getAsString());
      assertEquals("hi", event.getAsJsonObject("data").getAsJsonObject("data").get("text").getAsString());
    }
    a.rpc("ping", null); // anything the sender would have received was sent before this reply
    assertTrue(a.drain().stream().noneMatch(m -> m.has("event")), "the sender gets no copy");
    assertTrue(outsider.drain().isEmpty(), "non-members get nothing");
  }

  @Test
  void handlerBroadcastExcludesTheCallerAndHostBroadcastReachesAll() throws Exception {
    gateway.handle("chat", call -> call.broadcast(call.sessionId(), "chat", call.params()));
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    a.rpc("rooms.join", "{\"sessionId\":\"r\"}");
    b.rpc("rooms.join", "{\"sessionId\":\"r\"}");
    assertEquals(1, a.rpc("chat", "{\"sessionId\":\"r\",\"text\":\"yo\"}").get("result").getAsInt());
    assertEquals("yo", b.awaitEvent("chat").getAsJsonObject("data").get("text").getAsString());
    assertEquals(2, gateway.broadcast("r", "notice", "all"));
    assertEquals("all", a.awaitEvent("notice").get("data").getAsString());
    assertEquals("all", b.awaitEvent("notice").get("data").getAsString());
  }

  @Test
  void refusesBroadcastFromNonMember() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    a.rpc("rooms.join", "{\"sessionId\":\"r\"}");
    assertEquals(ErrorCodes.FORBIDDEN,
        TestClient.code(b.rpc("rooms.broadcast", "{\"sessionId\":\"r\",\"data\":1}")));
  }

  @Test
  void presenceListsMembersAndAnnouncesJoinAndLeave() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    a.rpc("connect", "{\"name\":\"Ann\"}");
    String aId = a.idViaRpc();
    String bId = b.idViaRpc();
    a.rpc("rooms.join", "{\"sessionId\":\"p\"}");
    b.rpc("rooms.join", "{\"sessionId\":\"p\"}");
    JsonObject joined = a.awaitEvent(Gateway.PRESENCE_EVENT).getAsJsonObject("data");
    assertEquals(bId, joined.get("clientId").getAsString());
    assertEquals("join", joined.get("action").getAsString());

    JsonObject snapshot = b.rpc("presence", "{\"sessionId\":\"p\"}").getAsJsonObject("result");
    JsonArray clients = snapshot.getAsJsonArray("clients");
    assertEquals(2, clients.size());
    Set<String> ids = new java.util.HashSet<>();
    clients.forEach(e -> ids.add(e.getAsJsonObject().get("clientId").getAsString()));
    assertEquals(Set.of(aId, bId), ids);
    clients.forEach(e -> {
      JsonObject o = e.getAsJsonObject();
      if (o.get("clientId").getAsString().equals(aId)) {
        assertEquals("Ann", o.getAsJsonObject("metadata").get("name").getAsString());
      }
    });

    b.rpc("rooms.leave", "{\"sessionId\":\"p\"}");
    JsonObject left = a.awaitEvent(Gateway.PRESENCE_EVENT).getAsJsonObject("data");
    assertEquals("leave", left.get("action").getAsString());
    assertEquals(bId, left.get("clientId").getAsString());
    assertEquals(ErrorCodes.FORBIDDEN, TestClient.code(b.rpc("presence", "{\"sessionId\":\"p\"}")));
  }

  @Test
  void removesEmptySessionsWhenTheLastMemberLeavesOrDisconnects() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    a.rpc("rooms.create", "{\"sessionId\":\"x\",\"metadata\":{\"topic\":\"t\"}}");
    b.rpc("rooms.join", "{\"sessionId\":\"x\"}");
    a.rpc("rooms.join", "{\"sessionId\":\"y\"}");
    assertEquals(2, gateway.session("x").orElseThrow().members().size());
    assertEquals("t", gateway.session("x").orElseThrow().metadata().get("topic"));

    JsonObject leave = a.rpc("rooms.leave", "{\"sessionId\":\"x\"}").getAsJsonObject("result");
    assertEquals(false, leave.get("removed").getAsBoolean());
    b.disconnect();
    assertTrue(gateway.session("x").isEmpty());
    assertEquals(List.of("y"), gateway.sessions().stream().map(SessionInfo::id).toList());
    a.disconnect();
    assertTrue(gateway.sessions().isEmpty());
    assertEquals(List.of("created x", "created y", "removed x", "removed y"), events);
  }

  @Test
  void listsCreatesAndPatchesSessions() throws Exception {
    TestClient a = TestClient.connect(gateway);
    TestClient b = TestClient.connect(gateway);
    JsonObject created = a.rpc("rooms.create", null).getAsJsonObject("result");
    String id = created.get("sessionId").getAsString();
    assertTrue(id.startsWith("s-"));
    assertEquals(ErrorCodes.CONFLICT,
        TestClient.code(b.rpc("rooms.create", "{\"sessionId\":\"" + id + "\"}")));
    b.rpc("rooms.join", "{\"sessionId\":\"" + id + "\"}");
    JsonObject patched = a.rpc("rooms.patch", "{\"sessionId\":\"" + id
        + "\",\"metadata\":{\"title\":\"Plan\"}}").getAsJsonObject("result");
    assertEquals("Plan", patched.getAsJsonObject("metadata").get("title").getAsString());
    JsonObject patchEvent = b.awaitEvent(Gateway.SESSION_PATCH_EVENT).getAsJsonObject("data");
    assertEquals("Plan", patchEvent.getAsJsonObject("metadata").get("title").getAsString());
    JsonArray list = b.rpc("rooms.list", null).getAsJsonObject("result").getAsJsonArray("sessions");
    assertEquals(1, list.size());
    assertEquals(2, list.get(0).getAsJsonObject().get("memberCount").getAsInt());
    assertEquals(ErrorCodes.INVALID_PARAMS,
        TestClient.code(a.rpc("rooms.join", "{\"sessionId\":\"bad id with spaces\"}")));
  }

  @Test
  void limitsSessionsPerClient() throws Exception {
    try (Gateway small = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .maxSessionsPerClient(2).build()) {
      TestClient a = TestClient.connect(small);
      a.rpc("rooms.join", "{\"sessionId\":\"1\"}");
      a.rpc("rooms.join", "{\"sessionId\":\"2\"}");
      assertEquals(ErrorCodes.FORBIDDEN,
          TestClient.code(a.rpc("rooms.join", "{\"sessionId\":\"3\"}")));
    }
  }
}
