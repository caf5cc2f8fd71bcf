package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvelopeProtocolTest {

  record ChatParams(String text) {}

  private final Gateway gateway = Gateway.builder().protocol(GatewayProtocol.ENVELOPE)
      .version("9.9.9").build();

  @AfterEach
  void close() {
    gateway.close();
  }

  @Test
  void answersConnectWithHelloOkCarryingClientIdAndStoresMetadata() throws Exception {
    TestClient c = TestClient.connect(gateway);
    JsonObject hello = c.envelope("connect", null, "{\"deviceId\":\"d-1\",\"role\":\"ui\"}");
    assertEquals("hello_ok", hello.get("type").getAsString());
    assertTrue(hello.get("timestamp").getAsLong() > 0);
    JsonObject payload = hello.getAsJsonObject("payload");
    assertEquals("9.9.9", payload.get("version").getAsString());
    assertEquals("envelope", payload.get("protocol").getAsString());
    assertTrue(payload.get("authenticated").getAsBoolean());
    String id = payload.get("clientId").getAsString();
    ClientInfo info = gateway.client(id).orElseThrow();
    assertEquals(Map.of("deviceId", "d-1", "role", "ui"), info.metadata());
  }

  @Test
  void answersPingWithPongAndSameId() throws Exception {
    TestClient c = TestClient.connect(gateway);
    c.send("{\"type\":\"ping\",\"id\":\"p-1\",\"payload\":{}}");
    JsonObject pong = c.next();
    assertEquals("pong", pong.get("type").getAsString());
    assertEquals("p-1", pong.get("id").getAsString());
  }

  @Test
  void answersUserTypeWithTypeOkAndEchoesSessionId() throws Exception {
    gateway.handle("chat", ChatParams.class, call -> Map.of("echo", call.params().text(),
        "session", call.sessionId()));
    TestClient c = TestClient.connect(gateway);
    JsonObject reply = c.envelope("chat", "room-1", "{\"text\":\"hi\"}");
    assertEquals("chat_ok", reply.get("type").getAsString());
    assertEquals("room-1", reply.get("sessionId").getAsString());
    assertEquals("hi", reply.getAsJsonObject("payload").get("echo").getAsString());
    assertEquals("room-1", reply.getAsJsonObject("payload").get("session").getAsString());
  }

  @Test
  void answersUnknownTypeWithErrorEnvelopeNeverDropsIt() throws Exception {
    TestClient c = TestClient.connect(gateway);
    JsonObject reply = c.envelope("teleport", null, "{}");
    assertEquals("error", reply.get("type").getAsString());
    JsonObject error = reply.getAsJsonObject("payload");
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, error.get("code").getAsInt());
    assertTrue(error.get("message").getAsString().contains("teleport"));
  }

  @Test
  void answersHandlerExceptionWithInternalErrorWithoutDetails() throws Exception {
    gateway.handle("explode", call -> {
      throw new java.io.IOException("disk /var/secret full");
    });
    TestClient c = TestClient.connect(gateway);
    c.send("{\"type\":\"explode\",\"id\":1}");
    String raw = c.channel.next();
    assertFalse(raw.contains("secret") || raw.contains("IOException") || raw.contains("at io."), raw);
    JsonObject error = com.google.gson.JsonParser.parseString(raw).getAsJsonObject()
        .getAsJsonObject("payload");
    assertEquals(ErrorCodes.INTERNAL_ERROR, error.get("code").getAsInt());
  }

  @Test
  void carriesGatewayExceptionDataAsDetails() throws Exception {
    gateway.handle("deny", call -> {
      throw new GatewayException(ErrorCodes.FORBIDDEN, "No", Map.of("why", "policy"));
    });
    TestClient c = TestClient.connect(gateway);
    JsonObject error = c.envelope("deny", null, null).getAsJsonObject("payload");
    assertEquals(ErrorCodes.FORBIDDEN, error.get("code").getAsInt());
    assertEquals("policy", error.getAsJsonObject("details").get("why").getAsString());
  }

  @Test
  void sendsAsyncResultWhenCompleted() throws Exception {
    CompletableFuture<Map<String, Integer>> later = new CompletableFuture<>();
    gateway.handle("job", call -> later);
    TestClient c = TestClient.connect(gateway);
    c.send("{\"type\":\"job\",\"id\":\"j\"}");
    assertTrue(c.channel.sent.isEmpty());
    CompletableFuture.runAsync(() -> later.complete(Map.of("done", 1)));
    JsonObject reply = c.awaitId("j");
    assertEquals("job_ok", reply.get("type").getAsString());
    assertEquals(1, reply.getAsJsonObject("payload").get("done").getAsInt());
  }

  @Test
  void answersEnvelopeWithoutTypeOrIdWithInvalidRequest() throws Exception {
    TestClient c = TestClient.connect(gateway);
    c.send("{\"type\":\"ping\"}");
    JsonObject noId = c.next();
    assertEquals("error", noId.get("type").getAsString());
    assertEquals(ErrorCodes.INVALID_REQUEST, noId.getAsJsonObject("payload").get("code").getAsInt());
    c.send("{\"id\":\"z\",\"payload\":{}}");
    JsonObject noType = c.next();
    assertEquals("z", noType.get("id").getAsString());
    assertEquals(ErrorCodes.INVALID_REQUEST, noType.getAsJsonObject("payload").get("code").getAsInt());
    c.send("{\"id\":\"z2\",\"type\":\"ping\",\"sessionId\":5}");
    assertEquals(ErrorCodes.INVALID_REQUEST, c.next().getAsJsonObject("payload").get("code").getAsInt());
  }

  @Test
  void sendsServerEventsAsEnvelopesWithGeneratedIds() throws Exception {
    TestClient c = TestClient.connect(gateway);
    String id = c.idViaEnvelope();
    assertTrue(gateway.sendTo(id, "notice", Map.of("text", "hello")));
    JsonObject event = c.awaitType("notice");
    assertTrue(event.get("id").getAsString().startsWith("evt-"));
    assertEquals("hello", event.getAsJsonObject("payload").get("text").getAsString());
    assertFalse(gateway.sendTo("no-such-client", "notice", null));
  }

  @Test
  void kickClosesWithCodeAndReasonAndRemovesState() throws Exception {
    TestClient c = TestClient.connect(gateway);
    String id = c.idViaEnvelope();
    c.envelope("session_join", "lobby", null);
    assertTrue(gateway.kick(id, "misbehaving"));
    FakeChannel.Close close = c.channel.awaitClose();
    assertEquals(Gateway.CLOSE_KICKED, close.code());
    assertEquals("misbehaving", close.reason());
    assertTrue(gateway.client(id).isEmpty());
    assertTrue(gateway.session("lobby").isEmpty(), "its only session was removed");
    assertFalse(gateway.kick(id, "again"));
    long in = gateway.stats().messagesIn();
    c.send("{\"type\":\"ping\",\"id\":\"late\"}"); // the transport delivers what it had buffered
    assertEquals(in, gateway.stats().messagesIn(), "a removed client's late messages are ignored");
  }
}
