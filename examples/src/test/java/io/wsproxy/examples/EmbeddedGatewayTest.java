package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import io.wsproxy.CloseCodes;
import io.wsproxy.gateway.ErrorCodes;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's own typed and asynchronous methods, over a real socket. */
class EmbeddedGatewayTest {

  private EmbeddedGateway app;

  @BeforeEach
  void start() throws Exception {
    app = EmbeddedGateway.start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void typedHandlerAddsAndAnswersMissingParamsWithInvalidParams() throws Exception {
    try (WsClient client = WsClient.connect(app.url())) {
      JsonObject sum = client.call(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"math.add\",\"params\":{\"a\":2,\"b\":3.5}}");
      assertEquals(1, sum.get("id").getAsInt());
      assertEquals(5.5, sum.getAsJsonObject("result").get("sum").getAsDouble());

      JsonObject missing = client.call(
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"math.add\",\"params\":{\"a\":2}}");
      assertEquals(ErrorCodes.INVALID_PARAMS,
          missing.getAsJsonObject("error").get("code").getAsInt());
      assertEquals("a and b are required",
          missing.getAsJsonObject("error").get("message").getAsString());
    }
  }

  @Test
  void asyncHandlerPushesProgressThenRepliesFromTheWorkerThread() throws Exception {
    try (WsClient client = WsClient.connect(app.url())) {
      client.send("{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"report.build\","
          + "\"params\":{\"name\":\"q3\",\"parts\":3}}");
      for (int part = 1; part <= 3; part++) {
        JsonObject progress = client.nextJson();
        assertEquals(EmbeddedGateway.PROGRESS_EVENT, progress.get("event").getAsString());
        assertEquals(part, progress.getAsJsonObject("data").get("part").getAsInt());
        assertEquals(3, progress.getAsJsonObject("data").get("of").getAsInt());
      }
      JsonObject reply = client.nextJson();
      assertEquals("r1", reply.get("id").getAsString());
      JsonObject result = reply.getAsJsonObject("result");
      assertEquals("q3", result.get("name").getAsString());
      assertEquals(EmbeddedGateway.WORKER_THREAD, result.get("builtOn").getAsString());

      JsonObject tooBig = client.call("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"report.build\","
          + "\"params\":{\"name\":\"q4\",\"parts\":11}}");
      assertEquals(ErrorCodes.INVALID_PARAMS,
          tooBig.getAsJsonObject("error").get("code").getAsInt());
    }
  }

  @Test
  void builtInMethodsStillWorkNextToTheOwnOnes() throws Exception {
    try (WsClient client = WsClient.connect(app.url())) {
      JsonObject health = client.call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.health\"}");
      assertEquals(1, health.getAsJsonObject("result").get("clients").getAsInt());
      assertEquals(1, app.gateway().clients().size());
    }
  }

  @Test
  void closingTheAppClosesClientsWith1001() throws Exception {
    WsClient client = WsClient.connect(app.url());
    client.call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    app.close();
    assertEquals(CloseCodes.GOING_AWAY, client.awaitClose().code());
  }
}
