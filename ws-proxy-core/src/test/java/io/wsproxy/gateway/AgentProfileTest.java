package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wsproxy.Principal;
import io.wsproxy.gateway.agent.AgentProfile;
import io.wsproxy.gateway.agent.AgentReply;
import io.wsproxy.gateway.agent.AgentRuntime;
import io.wsproxy.gateway.agent.AgentTurn;
import io.wsproxy.gateway.agent.InMemoryToolRegistry;
import io.wsproxy.gateway.agent.Tool;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentProfileTest {

  /** Streams the user's words back as tokens and answers them joined. */
  private static final AgentRuntime ECHO = turn -> {
    StringBuilder reply = new StringBuilder();
    for (String word : turn.text().split(" ")) {
      turn.token(word + " ");
      reply.append(word).append(' ');
    }
    return CompletableFuture.completedFuture(AgentReply.of(reply.toString().trim()));
  };

  private static final JsonObject ADD_SCHEMA = JsonParser.parseString(
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}},"
          + "\"required\":[\"a\",\"b\"]}").getAsJsonObject();

  private final CompletableFuture<Void> slowToolCancelled = new CompletableFuture<>();
  private final InMemoryToolRegistry tools = new InMemoryToolRegistry()
      .register(Tool.of("add", "adds two numbers", ADD_SCHEMA, (input, c) ->
          input.getAsJsonObject().get("a").getAsDouble()
              + input.getAsJsonObject().get("b").getAsDouble()))
      .register(new Tool("slow", "never answers", new JsonObject(), Duration.ofMillis(50),
          (input, c) -> {
            c.onCancel(() -> slowToolCancelled.complete(null));
            return new CompletableFuture<>();
          }));
  private final AtomicReference<AgentRuntime> runtime = new AtomicReference<>(ECHO);
  private final Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
      .agentProfile(AgentProfile.inMemory(turn -> runtime.get().send(turn), tools))
      .build();

  @AfterEach
  void close() {
    gateway.close();
  }

  @Test
  void agentSendStreamsStartTokensAndDoneThenAnswersAndKeepsTheHistory() throws Exception {
    TestClient c = TestClient.connect(gateway);
    JsonObject reply = c.rpc("agent.send", "{\"text\":\"hello agent world\"}");
    JsonObject result = reply.getAsJsonObject("result");
    assertEquals("hello agent world", result.get("text").getAsString());
    assertEquals("end_turn", result.get("stopReason").getAsString());
    String runId = result.get("runId").getAsString();
    String conversation = result.get("conversationId").getAsString();
    JsonObject start = c.awaitEvent("agent.event").getAsJsonObject("data");
    assertEquals("start", start.get("type").getAsString());
    assertEquals(runId, start.get("runId").getAsString());
    StringBuilder tokens = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      JsonObject t = c.awaitEvent("agent.event").getAsJsonObject("data");
      assertEquals("token", t.get("type").getAsString());
      tokens.append(t.get("text").getAsString());
    }
    assertEquals("hello agent world ", tokens.toString());
    JsonObject done = c.awaitEvent("agent.event").getAsJsonObject("data");
    assertEquals("done", done.get("type").getAsString());

    JsonObject history = c.rpc("sessions.history", null).getAsJsonObject("result");
    assertEquals(conversation, history.get("conversationId").getAsString(),
        "the send made the conversation this connection's active one");
    JsonArray messages = history.getAsJsonArray("messages");
    assertEquals(2, messages.size());
    assertEquals("user", messages.get(0).getAsJsonObject().get("role").getAsString());
    assertEquals("assistant", messages.get(1).getAsJsonObject().get("role").getAsString());
    assertEquals("hello agent world", messages.get(1).getAsJsonObject().get("text").getAsString());
  }

  @Test
  void agentCancelStopsAnInFlightSendAndTheRuntimeSeesIt() throws Exception {
    CompletableFuture<Void> runtimeSawCancel = new CompletableFuture<>();
    runtime.set(turn -> {
      turn.cancellation().onCancel(() -> runtimeSawCancel.complete(null));
      return new CompletableFuture<>(); // never answers by itself
    });
    TestClient c = TestClient.connect(gateway);
    c.send("{\"id\":\"s1\",\"method\":\"agent.send\",\"params\":{\"text\":\"think forever\"}}");
    String runId = c.awaitEvent("agent.event").getAsJsonObject("data").get("runId").getAsString();
    JsonObject cancel = c.rpc("agent.cancel", "{\"runId\":\"" + runId + "\"}");
    assertEquals(1, cancel.getAsJsonObject("result").get("cancelled").getAsInt());
    JsonObject send = c.awaitId("s1").getAsJsonObject("result");
    assertEquals(AgentReply.CANCELLED, send.get("stopReason").getAsString());
    runtimeSawCancel.get(5, TimeUnit.SECONDS);
    assertEquals(0, c.rpc("system.health", null).getAsJsonObject("result")
        .get("agentRuns").getAsInt());
  }

  @Test
  void disconnectCancelsTheRunningTurn() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    runtime.set(turn -> {
      turn.cancellation().onCancel(cancelled::countDown);
      return new CompletableFuture<>();
    });
    TestClient c = TestClient.connect(gateway);
    c.send("{\"id\":1,\"method\":\"agent.send\",\"params\":{\"text\":\"hi\"}}");
    c.awaitEvent("agent.event");
    c.disconnect();
    assertTrue(cancelled.await(5, TimeUnit.SECONDS));
  }

  @Test
  void conversationsArePerPrincipalPagedAndEachConnectionHasItsActiveOne() throws Exception {
    try (Gateway authed = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .messageAuth((credentials, handshake) -> CompletableFuture.completedFuture(
            Principal.of(((Credentials.Token) credentials).token())))
        .agentProfile(AgentProfile.inMemory(ECHO, tools)).build()) {
      TestClient alice = TestClient.connect(authed);
      TestClient alice2 = TestClient.connect(authed);
      TestClient bob = TestClient.connect(authed);
      alice.rpc("auth", "{\"token\":\"alice\"}");
      alice2.rpc("auth", "{\"token\":\"alice\"}");
      bob.rpc("auth", "{\"token\":\"bob\"}");
      String first = alice.rpc("sessions.create", "{\"title\":\"first\"}")
          .getAsJsonObject("result").get("conversationId").getAsString();
      for (int i = 0; i < 5; i++) {
        alice.rpc("agent.send", "{\"text\":\"m" + i + "\"}");
      }
      String second = alice2.rpc("sessions.create", "{\"title\":\"second\"}")
          .getAsJsonObject("result").get("conversationId").getAsString();
      JsonArray list = alice.rpc("sessions.list", null).getAsJsonObject("result")
          .getAsJsonArray("sessions");
      assertEquals(2, list.size());
      assertEquals(second, list.get(0).getAsJsonObject().get("conversationId").getAsString(),
          "most recently updated first");
      assertTrue(list.get(1).getAsJsonObject().get("active").getAsBoolean(),
          "alice's first connection still talks in the first conversation");
      assertEquals(0, bob.rpc("sessions.list", null).getAsJsonObject("result")
          .getAsJsonArray("sessions").size());
      assertEquals(ErrorCodes.FORBIDDEN, TestClient.code(bob.rpc("sessions.history",
          "{\"conversationId\":\"" + first + "\"}")));

      JsonObject page = alice.rpc("sessions.history", "{\"limit\":4}").getAsJsonObject("result");
      assertEquals(4, page.getAsJsonArray("messages").size());
      assertTrue(page.get("hasMore").getAsBoolean());
      long before = page.get("nextBefore").getAsLong();
      assertEquals(7, before, "10 messages: the newest 4 are 7..10");
      JsonObject older = alice.rpc("sessions.history", "{\"limit\":10,\"before\":" + before + "}")
          .getAsJsonObject("result");
      assertEquals(6, older.getAsJsonArray("messages").size());
      assertFalse(older.get("hasMore").getAsBoolean());
      assertEquals(ErrorCodes.INVALID_PARAMS, TestClient.code(
          alice.rpc("sessions.history", "{\"limit\":100000}")), "pages are bounded");
    }
  }

  @Test
  void toolsListDescribesSchemasAndToolsInvokeChecksInputAndTimesOut() throws Exception {
    TestClient c = TestClient.connect(gateway);
    JsonArray listed = c.rpc("tools.list", null).getAsJsonObject("result").getAsJsonArray("tools");
    assertEquals("add", listed.get(0).getAsJsonObject().get("name").getAsString());
    assertEquals(ADD_SCHEMA, listed.get(0).getAsJsonObject().getAsJsonObject("inputSchema"));
    JsonObject sum = c.rpc("tools.invoke", "{\"name\":\"add\",\"input\":{\"a\":2,\"b\":3}}")
        .getAsJsonObject("result");
    assertEquals(5.0, sum.get("output").getAsDouble());
    assertEquals(ErrorCodes.INVALID_PARAMS, TestClient.code(
        c.rpc("tools.invoke", "{\"name\":\"add\",\"input\":{\"a\":2}}")), "b is required");
    assertEquals(ErrorCodes.INVALID_PARAMS, TestClient.code(
        c.rpc("tools.invoke", "{\"name\":\"add\",\"input\":{\"a\":\"2\",\"b\":3}}")), "a is a number");
    assertEquals(ErrorCodes.INVALID_PARAMS, TestClient.code(
        c.rpc("tools.invoke", "{\"name\":\"nope\"}")));
    assertEquals(ErrorCodes.TIMEOUT, TestClient.code(c.rpc("tools.invoke", "{\"name\":\"slow\"}")));
    slowToolCancelled.get(5, TimeUnit.SECONDS);
  }

  @Test
  void systemHealthReportsToolsConversationsAndConnections() throws Exception {
    TestClient c = TestClient.connect(gateway);
    TestClient.connect(gateway);
    c.rpc("sessions.create", null);
    JsonObject health = c.rpc("system.health", null).getAsJsonObject("result");
    assertEquals("ok", health.get("status").getAsString());
    assertEquals(2, health.get("tools").getAsInt());
    assertEquals(1, health.get("conversations").getAsInt());
    assertEquals(2, health.get("connections").getAsInt());
  }

  @Test
  void withoutTheProfileItsMethodsAreUnknownAndRoomsStayRooms() throws Exception {
    try (Gateway plain = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build()) {
      TestClient c = TestClient.connect(plain);
      for (String m : new String[] {"agent.send", "agent.cancel", "sessions.create",
          "sessions.list", "sessions.history", "tools.list", "tools.invoke"}) {
        assertEquals(ErrorCodes.METHOD_NOT_FOUND, TestClient.code(c.rpc(m, "{}")), m);
      }
      assertTrue(c.rpc("rooms.list", null).has("result"));
      assertFalse(c.rpc("system.health", null).getAsJsonObject("result").has("tools"));
    }
  }

  @Test
  void runsPerConnectionAreBounded() throws Exception {
    runtime.set(turn -> new CompletableFuture<>());
    TestClient c = TestClient.connect(gateway);
    for (int i = 0; i < AgentProfile.MAX_RUNS_PER_CLIENT; i++) {
      c.send("{\"id\":" + i + ",\"method\":\"agent.send\",\"params\":{\"text\":\"x\"}}");
    }
    assertEquals(ErrorCodes.RATE_LIMITED, TestClient.code(c.rpc("agent.send", "{\"text\":\"x\"}")));
    assertEquals(Map.of("cancelled", AgentProfile.MAX_RUNS_PER_CLIENT),
        Map.of("cancelled", c.rpc("agent.cancel", null).getAsJsonObject("result")
            .get("cancelled").getAsInt()));
  }
}
