package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonRpcProtocolTest {

  record AddParams(int a, int b) {}

  private final Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build();

  @AfterEach
  void close() {
    gateway.close();
  }

  @Test
  void answersRequestWithResultAndSameId() throws Exception {
    gateway.handle("math.add", AddParams.class, call -> call.params().a() + call.params().b());
    TestClient c = TestClient.connect(gateway);
    c.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"math.add\",\"params\":{\"a\":2,\"b\":3}}");
    JsonObject reply = c.next();
    assertEquals("2.0", reply.get("jsonrpc").getAsString());
    assertEquals(7, reply.get("id").getAsInt());
    assertEquals(5, reply.get("result").getAsInt());
    assertFalse(reply.has("error"));
  }

  @Test
  void answersUnknownMethodWithMethodNotFound() throws Exception {
    TestClient c = TestClient.connect(gateway);
    JsonObject reply = c.rpc("no.such.method", "{}");
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, TestClient.code(reply));
    assertTrue(reply.getAsJsonObject("error").get("message").getAsString().contains("no.such.method"));
    assertFalse(reply.has("result"));
  }

  @Test
  void answersHandlerExceptionWithInternalErrorAndNoStackTrace() throws Exception {
    gateway.handle("boom", call -> {
      throw new IllegalStateException("secret detail from the database layer");
    });
    TestClient c = TestClient.connect(gateway);
    c.send("{\"jsonrpc\":\"2.0\",\"id\":\"x1\",\"method\":\"boom\"}");
    String raw = c.channel.next();
    assertFalse(raw.contains("secret detail"), raw);
    assertFalse(raw.contains("IllegalStateException"), raw);
    assertFalse(raw.contains("\tat ") || raw.contains("at io.wsproxy"), raw);
    JsonObject reply = com.google.gson.JsonParser.parseString(raw).getAsJsonObject();
    assertEquals(ErrorCodes.INTERNAL_ERROR, TestClient.code(reply));
    assertEquals("Internal error", reply.getAsJsonObject("error").get("message").getAsString());
    assertEquals("x1", reply.get("id").getAsString());
  }

  @Test
  void answersGatewayExceptionWithItsCodeMessageAndData() throws Exception {
    gateway.handle("picky", call -> {
      throw new GatewayException(-32050, "Not today", java.util.Map.of("retryAfter", 3));
    });
    TestClient c = TestClient.connect(gateway);
    JsonObject error = c.rpc("picky", null).getAsJsonObject("error");
    assertEquals(-32050, error.get("code").getAsInt());
    assertEquals("Not today", error.get("message").getAsString());
    assertEquals(3, error.getAsJsonObject("data").get("retryAfter").getAsInt());
  }

  @Test
  void sendsAsyncResultWhenTheStageCompletesOnAnotherThread() throws Exception {
    CompletableFuture<String> later = new CompletableFuture<>();
    gateway.handle("slow", call -> later);
    TestClient c = TestClient.connect(gateway);
    c.send("{\"id\":1,\"method\":\"slow\"}");
    assertTrue(c.channel.sent.isEmpty(), "no reply before the stage completes");
    Thread t = new Thread(() -> later.complete("done"));
    t.start();
    JsonObject reply = c.next();
    t.join();
    assertEquals("done", reply.get("result").getAsString());
    assertEquals(1, reply.get("id").getAsInt());
  }

  @Test
  void answersAsyncFailureWithInternalError() throws Exception {
    gateway.handle("slowFail", call -> CompletableFuture.failedFuture(new RuntimeException("x")));
    TestClient c = TestClient.connect(gateway);
    assertEquals(ErrorCodes.INTERNAL_ERROR, TestClient.code(c.rpc("slowFail", null)));
  }

  @Test
  void answersParamsOfTheWrongShapeWithInvalidParams() throws Exception {
    gateway.handle("math.add", AddParams.class, call -> 0);
    TestClient c = TestClient.connect(gateway);
    JsonObject reply = c.rpc("math.add", "{\"a\":{\"nested\":true}}");
    assertEquals(ErrorCodes.INVALID_PARAMS, TestClient.code(reply));
  }

  @Test
  void answersRequestWithoutIdOrMethodWithInvalidRequest() throws Exception {
    TestClient c = TestClient.connect(gateway);
    c.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}");
    JsonObject noId = c.next();
    assertEquals(ErrorCodes.INVALID_REQUEST, TestClient.code(noId));
    assertTrue(noId.get("id").isJsonNull());
    c.send("{\"id\":4,\"params\":{}}");
    JsonObject noMethod = c.next();
    assertEquals(ErrorCodes.INVALID_REQUEST, TestClient.code(noMethod));
    assertEquals(4, noMethod.get("id").getAsInt());
    c.send("[{\"id\":1,\"method\":\"ping\"}]");
    assertEquals(ErrorCodes.INVALID_REQUEST, TestClient.code(c.next()));
    c.send("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}");
    assertEquals(ErrorCodes.INVALID_REQUEST, TestClient.code(c.next()));
  }

  @Test
  void pushesEventsAsEventAndData() throws Exception {
    gateway.handle("subscribe", call -> {
      call.push("tick", java.util.Map.of("n", 1));
      return "ok";
    });
    TestClient c = TestClient.connect(gateway);
    assertEquals("ok", c.rpc("subscribe", null).get("result").getAsString());
    JsonObject event = c.awaitEvent("tick");
    assertEquals(1, event.getAsJsonObject("data").get("n").getAsInt());
    assertFalse(event.has("id"));
  }

  @Test
  void passesRawParamsAndAnswersNullResult() throws Exception {
    gateway.handle("echo", call -> call.params());
    gateway.handle("nothing", call -> null);
    TestClient c = TestClient.connect(gateway);
    JsonElement echoed = c.rpc("echo", "[1,\"two\",{\"three\":3}]").get("result");
    assertEquals("[1,\"two\",{\"three\":3}]", echoed.toString());
    JsonObject empty = c.rpc("nothing", null);
    assertTrue(empty.has("result"));
    assertTrue(empty.get("result").isJsonNull());
  }

  @Test
  void refusesToReplaceConnectAuthOrPing() {
    for (String name : new String[] {"connect", "auth", "ping"}) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> gateway.handle(name, call -> null));
      assertTrue(e.getMessage().contains(name));
    }
  }

  @Test
  void answersBuiltInHealthAndStats() throws Exception {
    TestClient c = TestClient.connect(gateway);
    gateway.handle("x", call -> 1);
    c.rpc("x", null);
    JsonObject health = c.rpc("system.health", null).getAsJsonObject("result");
    assertEquals("ok", health.get("status").getAsString());
    assertEquals(1, health.get("clients").getAsInt());
    assertTrue(health.has("version") && health.has("uptimeMs"));
    JsonObject stats = c.rpc("stats", null).getAsJsonObject("result");
    assertEquals(3, stats.get("messagesIn").getAsLong());
    assertEquals(2, stats.get("messagesOut").getAsLong());
    assertEquals(0, stats.get("errors").getAsLong());
    assertEquals(1, stats.get("clients").getAsInt());
  }
}
