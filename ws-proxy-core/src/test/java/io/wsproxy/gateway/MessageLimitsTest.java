package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageLimitsTest {

  private final Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build();

  @AfterEach
  void close() {
    gateway.close();
  }

  @Test
  void answersMalformedJsonWithParseErrorAndKeepsServing() throws Exception {
    TestClient c = TestClient.connect(gateway);
    for (String bad : new String[] {"{not json", "", "{\"id\":1,\"method\":\"ping\"} trailing",
        "{\"id\":1,,}", "{'id':1,'method':'ping'}", "\u0000\u0001garbage"}) {
      c.send(bad);
      JsonObject reply = c.next();
      assertEquals(ErrorCodes.PARSE_ERROR, TestClient.code(reply), bad);
      assertTrue(reply.get("id").isJsonNull());
    }
    for (String notRequest : new String[] {"null", "42", "\"text\""}) {
      c.send(notRequest);
      assertEquals(ErrorCodes.INVALID_REQUEST, TestClient.code(c.next()), notRequest);
    }
    assertTrue(c.rpc("ping", null).has("result"), "the client is still served");
    assertFalse(c.channel.closed.isDone());
    assertEquals(9, gateway.stats().errors());
  }

  @Test
  void refuses100000DeepNestingCheaplyWithoutStackOverflow() throws Exception {
    TestClient c = TestClient.connect(gateway);
    String arrays = "[".repeat(100_000);
    String objects = "{\"a\":".repeat(100_000);
    String closedArrays = "[".repeat(100_000) + "]".repeat(100_000);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      for (String deep : new String[] {arrays, objects, closedArrays}) {
        c.send(deep);
        JsonObject reply = c.next();
        assertEquals(ErrorCodes.PARSE_ERROR, TestClient.code(reply));
        assertTrue(reply.getAsJsonObject("error").get("message").getAsString().contains("nested"));
      }
    });
    String deepParams = "{\"id\":1,\"method\":\"ping\",\"params\":" + "[".repeat(64) + "]".repeat(64) + "}";
    c.send(deepParams);
    assertEquals(ErrorCodes.PARSE_ERROR, TestClient.code(c.next()), "65 levels with the request object");
    String fine = "{\"id\":2,\"method\":\"ping\",\"params\":" + "[".repeat(63) + "]".repeat(63) + "}";
    c.send(fine);
    assertTrue(c.next().has("result"), "64 levels are accepted");
  }

  @Test
  void refusesOversizedMessageBeforeParsingAndCloses1009() throws Exception {
    TestClient c = TestClient.connect(gateway);
    c.send("[" + "1,".repeat(Gateway.DEFAULT_MAX_MESSAGE_SIZE / 2) + "1]");
    assertEquals(ErrorCodes.MESSAGE_TOO_LARGE, TestClient.code(c.next()));
    assertEquals(Gateway.CLOSE_MESSAGE_TOO_BIG, c.channel.awaitClose().code());
    assertTrue(gateway.clients().isEmpty());
  }

  @Test
  void countsUtf8BytesNotCharacters() throws Exception {
    TestClient ok = TestClient.connect(gateway);
    gateway.handle("len", com.google.gson.JsonElement.class,
        call -> call.params().getAsJsonObject().get("s").getAsString().length());
    int twoByteChars = 400_000; // 800,000 bytes: under 1 MiB
    JsonObject reply = ok.rpc("len", "{\"s\":\"" + "é".repeat(twoByteChars) + "\"}");
    assertEquals(twoByteChars, reply.get("result").getAsInt());

    TestClient big = TestClient.connect(gateway);
    big.send("{\"id\":1,\"method\":\"len\",\"params\":{\"s\":\"" + "€".repeat(400_000) + "\"}}");
    assertEquals(ErrorCodes.MESSAGE_TOO_LARGE, TestClient.code(big.next()),
        "400,000 characters but 1,200,000 bytes");
  }

  @Test
  void answersBinaryMessagesWithInvalidRequest() throws Exception {
    TestClient c = TestClient.connect(gateway);
    c.listener.onBinary(c.channel, ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertEquals(ErrorCodes.INVALID_REQUEST, TestClient.code(c.next()));
  }

  @Test
  void rateLimitsEachClientAndClosesSustainedAbuseWith4429() throws Exception {
    AtomicLong nanos = new AtomicLong();
    try (Gateway limited = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).ticker(nanos::get)
        .rateLimit(1, 3).rateLimitCloseAfter(5).build()) {
      TestClient c = TestClient.connect(limited);
      TestClient other = TestClient.connect(limited);
      for (int i = 0; i < 3; i++) {
        assertTrue(c.rpc("ping", null).has("result"), "the burst passes");
      }
      c.send("{\"id\":\"over\",\"method\":\"ping\"}");
      JsonObject refused = c.next();
      assertEquals(ErrorCodes.RATE_LIMITED, TestClient.code(refused));
      assertTrue(refused.get("id").isJsonNull(), "refused before parsing: the id is not read");
      assertTrue(other.rpc("ping", null).has("result"), "limits are per client");

      nanos.addAndGet(Duration.ofSeconds(1).toNanos());
      assertTrue(c.rpc("ping", null).has("result"), "one token refilled after 1 s");

      for (int i = 1; i <= 4; i++) {
        c.send("{\"id\":" + i + ",\"method\":\"ping\"}");
        assertEquals(ErrorCodes.RATE_LIMITED, TestClient.code(c.next()));
      }
      assertFalse(c.channel.closed.isDone());
      c.send("{\"id\":\"last\",\"method\":\"ping\"}");
      assertEquals(Gateway.CLOSE_RATE_LIMITED, c.channel.awaitClose().code());
      assertEquals(6, limited.stats().rateLimited());
    }
  }
}
