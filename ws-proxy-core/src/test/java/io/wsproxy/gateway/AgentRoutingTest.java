package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentRoutingTest {

  private final List<AgentInfo> changes = new CopyOnWriteArrayList<>();
  private final Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
      .listener(new GatewayListener() {
        @Override
        public void agentChanged(AgentInfo agent) {
          changes.add(agent);
        }
      }).build();

  @AfterEach
  void close() {
    gateway.close();
  }

  private TestClient agent(String id, String type, String... caps) throws Exception {
    TestClient c = TestClient.connect(gateway);
    StringBuilder list = new StringBuilder();
    for (String cap : caps) {
      list.append(list.length() == 0 ? "" : ",").append('"').append(cap).append('"');
    }
    JsonObject reply = c.rpc("agents.register", "{\"agentId\":\"" + id + "\",\"type\":\"" + type
        + "\",\"capabilities\":[" + list + "]}");
    assertTrue(reply.getAsJsonObject("result").get("online").getAsBoolean(), reply.toString());
    return c;
  }

  @Test
  void registersAgentsAndFindsThemByCapabilityAndType() throws Exception {
    agent("coder-1", "llm", "chat", "code");
    agent("runner-1", "tool", "code:run");
    assertEquals(List.of("coder-1"),
        gateway.agents().findByCapability("code").stream().map(AgentInfo::id).toList());
    assertEquals(List.of("runner-1"),
        gateway.agents().findByType("tool").stream().map(AgentInfo::id).toList());
    TestClient ui = TestClient.connect(gateway);
    JsonObject listed = ui.rpc("agents.list", "{\"capability\":\"chat\"}").getAsJsonObject("result");
    assertEquals(1, listed.getAsJsonArray("agents").size());
    assertEquals("coder-1", listed.getAsJsonArray("agents").get(0).getAsJsonObject()
        .get("agentId").getAsString());
    assertEquals(2, gateway.stats().agentsOnline());
  }

  @Test
  void routesRequestToAgentAndRelaysItsAnswerToTheRequester() throws Exception {
    TestClient agent = agent("coder-1", "llm", "code");
    TestClient ui = TestClient.connect(gateway);
    String uiId = ui.idViaRpc();
    ui.send("{\"id\":\"ask-1\",\"method\":\"agents.request\",\"params\":{\"capability\":\"code\","
        + "\"method\":\"complete\",\"params\":{\"prompt\":\"2+2\"}}}");

    JsonObject request = agent.awaitEvent(Gateway.AGENT_REQUEST_EVENT).getAsJsonObject("data");
    assertEquals("complete", request.get("method").getAsString());
    assertEquals("2+2", request.getAsJsonObject("params").get("prompt").getAsString());
    assertEquals(uiId, request.get("from").getAsString());
    String requestId = request.get("requestId").getAsString();

    JsonObject ack = agent.rpc("agents.respond", "{\"requestId\":\"" + requestId
        + "\",\"result\":{\"answer\":4}}");
    assertTrue(ack.getAsJsonObject("result").get("delivered").getAsBoolean());
    JsonObject answer = ui.awaitId("ask-1");
    assertEquals(4, answer.getAsJsonObject("result").get("answer").getAsInt());

    assertEquals(ErrorCodes.INVALID_PARAMS, TestClient.code(agent.rpc("agents.respond",
        "{\"requestId\":\"" + requestId + "\",\"result\":5}")), "a request is answered once");
  }

  @Test
  void relaysTheAgentsErrorAndRefusesAnswersFromOtherClients() throws Exception {
    TestClient agent = agent("a1", "llm", "code");
    TestClient ui = TestClient.connect(gateway);
    ui.send("{\"id\":\"q\",\"method\":\"agents.request\",\"params\":{\"capability\":\"code\"}}");
    String requestId = agent.awaitEvent(Gateway.AGENT_REQUEST_EVENT).getAsJsonObject("data")
        .get("requestId").getAsString();
    TestClient impostor = TestClient.connect(gateway);
    assertEquals(ErrorCodes.INVALID_PARAMS, TestClient.code(impostor.rpc("agents.respond",
        "{\"requestId\":\"" + requestId + "\",\"result\":\"fake\"}")));
    agent.rpc("agents.respond", "{\"requestId\":\"" + requestId
        + "\",\"error\":{\"code\":-32099,\"message\":\"model overloaded\"}}");
    JsonObject answer = ui.awaitId("q");
    assertEquals(-32099, TestClient.code(answer));
    assertEquals("model overloaded", answer.getAsJsonObject("error").get("message").getAsString());
  }

  @Test
  void answersTimeoutWhenTheAgentIsSilent() throws Exception {
    TestClient agent = agent("sleepy", "llm", "code");
    TestClient ui = TestClient.connect(gateway);
    ui.send("{\"id\":\"t\",\"method\":\"agents.request\",\"params\":{\"capability\":\"code\","
        + "\"timeoutMs\":50}}");
    agent.awaitEvent(Gateway.AGENT_REQUEST_EVENT);
    JsonObject answer = ui.awaitId("t");
    assertEquals(ErrorCodes.TIMEOUT, TestClient.code(answer));
  }

  @Test
  void answersUnavailableWhenNoAgentHasTheCapabilityOrItDisconnects() throws Exception {
    TestClient ui = TestClient.connect(gateway);
    assertEquals(ErrorCodes.UNAVAILABLE,
        TestClient.code(ui.rpc("agents.request", "{\"capability\":\"fly\"}")));

    TestClient agent = agent("a1", "llm", "fly");
    ui.send("{\"id\":\"gone\",\"method\":\"agents.request\",\"params\":{\"capability\":\"fly\"}}");
    agent.awaitEvent(Gateway.AGENT_REQUEST_EVENT);
    agent.disconnect();
    assertEquals(ErrorCodes.UNAVAILABLE, TestClient.code(ui.awaitId("gone")));
    AgentInfo offline = gateway.agents().get("a1").orElseThrow();
    assertFalse(offline.online());
    assertEquals(List.of(true, false), changes.stream().map(AgentInfo::online).toList());
  }

  @Test
  void comesBackOnlineWhenReRegisteredAndRefusesIdHeldByAnotherClient() throws Exception {
    TestClient first = agent("a1", "llm", "code");
    TestClient other = TestClient.connect(gateway);
    assertEquals(ErrorCodes.CONFLICT, TestClient.code(other.rpc("agents.register",
        "{\"agentId\":\"a1\",\"type\":\"llm\",\"capabilities\":[]}")));
    first.disconnect();
    agent("a1", "llm", "code", "chat");
    AgentInfo back = gateway.agents().get("a1").orElseThrow();
    assertTrue(back.online());
    assertEquals(java.util.Set.of("code", "chat"), back.capabilities());
  }

  @Test
  void routesHostRequestsThroughTheRegistry() throws Exception {
    TestClient agent = agent("a1", "tool", "sum");
    CompletableFuture<JsonElement> result = gateway.agents()
        .request("sum", "add", java.util.Map.of("a", 1), Duration.ofSeconds(5)).toCompletableFuture();
    JsonObject request = agent.awaitEvent(Gateway.AGENT_REQUEST_EVENT).getAsJsonObject("data");
    assertTrue(request.get("from").isJsonNull());
    agent.rpc("agents.respond", "{\"requestId\":\"" + request.get("requestId").getAsString()
        + "\",\"result\":42}");
    assertEquals(42, result.get(5, TimeUnit.SECONDS).getAsInt());

    CompletableFuture<JsonElement> none = gateway.agents()
        .request("missing", null, null, Duration.ofSeconds(1)).toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> none.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.UNAVAILABLE, ((GatewayException) e.getCause()).code());
    assertThrows(IllegalArgumentException.class,
        () -> gateway.agents().request("sum", null, null, Duration.ofHours(1)));
  }

  @Test
  void anAgentUnregistersSetsItsStatusAndOnlyAvailableAgentsAreRoutedTo() throws Exception {
    TestClient a = agent("a-1", "llm", "chat");
    TestClient b = agent("b-1", "llm", "chat");
    TestClient ui = TestClient.connect(gateway);
    assertEquals(ErrorCodes.FORBIDDEN, TestClient.code(
        ui.rpc("agents.status", "{\"agentId\":\"a-1\",\"status\":\"busy\"}")), "not ui's agent");
    assertEquals("busy", a.rpc("agents.status", "{\"agentId\":\"a-1\",\"status\":\"busy\"}")
        .getAsJsonObject("result").get("status").getAsString());
    for (int i = 0; i < 3; i++) {
      ui.send("{\"id\":\"r" + i + "\",\"method\":\"route_request\",\"params\":"
          + "{\"capability\":\"chat\",\"method\":\"m\"}}");
      JsonObject routed = b.awaitEvent(Gateway.AGENT_REQUEST_EVENT).getAsJsonObject("data");
      b.rpc("agents.respond", "{\"requestId\":\"" + routed.get("requestId").getAsString()
          + "\",\"result\":" + i + "}");
      assertEquals(i, ui.awaitId("r" + i).get("result").getAsInt(), "the busy agent is skipped");
    }
    assertTrue(b.rpc("agents.unregister", "{\"agentId\":\"b-1\"}").getAsJsonObject("result")
        .get("unregistered").getAsBoolean());
    assertTrue(gateway.agents().get("b-1").isEmpty());
    assertEquals(ErrorCodes.UNAVAILABLE, TestClient.code(
        ui.rpc("agents.request", "{\"capability\":\"chat\"}")), "a is busy, b is gone");
    assertTrue(gateway.agents().setStatus("a-1", AgentInfo.AVAILABLE), "the host sets it back");
    ui.send("{\"id\":\"last\",\"method\":\"agents.request\",\"params\":{\"capability\":\"chat\"}}");
    assertEquals("a-1", gateway.agents().get("a-1").orElseThrow().id());
    a.awaitEvent(Gateway.AGENT_REQUEST_EVENT);
    assertTrue(gateway.agents().unregister("a-1"));
    assertEquals(ErrorCodes.UNAVAILABLE, TestClient.code(ui.awaitId("last")),
        "a request to an unregistered agent fails at once");
  }

  @Test
  void agentsBroadcastReachesEveryOtherOnlineAgentOnce() throws Exception {
    TestClient a = agent("a-1", "llm", "chat");
    a.rpc("agents.register", "{\"agentId\":\"a-2\",\"type\":\"llm\",\"capabilities\":[\"chat\"]}");
    TestClient b = agent("b-1", "tool", "run");
    TestClient c = agent("c-1", "llm", "chat");
    JsonObject sent = c.rpc("agents.broadcast", "{\"data\":{\"n\":1},\"type\":\"llm\"}");
    assertEquals(1, sent.getAsJsonObject("result").get("delivered").getAsInt(),
        "a's one connection, not b (a tool), not c itself");
    JsonObject got = a.awaitEvent("agent.broadcast").getAsJsonObject("data");
    assertEquals(1, got.getAsJsonObject("data").get("n").getAsInt());
    assertEquals(3, gateway.agents().broadcast("host.notice", java.util.Map.of(), x -> true));
    b.awaitEvent("host.notice");
  }
}
