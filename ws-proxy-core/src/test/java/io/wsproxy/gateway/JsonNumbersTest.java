package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonNumbersTest {

  private final Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build();

  @AfterEach
  void close() {
    gateway.close();
  }

  /** Reads {@code raw} with a strict reader to the end: it is JSON (RFC 8259). */
  private static void assertStrictJson(String raw) throws Exception {
    try (JsonReader r = new JsonReader(new StringReader(raw))) {
      r.setStrictness(Strictness.STRICT);
      r.skipValue();
      assertEquals(com.google.gson.stream.JsonToken.END_DOCUMENT, r.peek(), raw);
    }
  }

  @Test
  void idsAndParamsComeBackExactlyAsSent() throws Exception {
    gateway.handle("echo", call -> call.params());
    TestClient c = TestClient.connect(gateway);
    for (String n : new String[] {"1e400", "-1e400", "1e-999999", "-0", "0.10", "1E+2",
        "123456789012345678901234567890", "9223372036854775807", "-9223372036854775808"}) {
      c.send("{\"id\":" + n + ",\"method\":\"echo\",\"params\":[" + n + "]}");
      String raw = c.channel.next();
      assertStrictJson(raw);
      assertTrue(raw.contains("\"id\":" + n + ","), raw);
      assertTrue(raw.contains("\"result\":[" + n + "]"), raw);
    }
  }

  @Test
  void hugeExponentsConvertCheaplyIntoTypedParams() throws Exception {
    record P(int n, double d) {}
    gateway.handle("typed", P.class, call -> Map.of("n", call.params().n(), "d", call.params().d()));
    TestClient c = TestClient.connect(gateway);
    long start = System.nanoTime();
    JsonObject r = c.rpc("typed", "{\"n\":1e-999999,\"d\":1e-999999}").getAsJsonObject("result");
    assertEquals(0, r.get("n").getAsInt());
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "no million-digit arithmetic");
  }

  @Test
  void nonFiniteResultsAndEventsNeverBecomeInvalidJson() throws Exception {
    gateway.handle("nan", call -> new JsonPrimitive(Double.NaN));
    gateway.handle("inf", call -> Map.of("x", Double.POSITIVE_INFINITY));
    TestClient c = TestClient.connect(gateway);
    for (String m : new String[] {"nan", "inf"}) {
      c.send("{\"id\":1,\"method\":\"" + m + "\"}");
      String raw = c.channel.next();
      assertStrictJson(raw);
      assertEquals(ErrorCodes.INTERNAL_ERROR, TestClient.code(
          com.google.gson.JsonParser.parseString(raw).getAsJsonObject()), raw);
    }
    String id = c.idViaRpc();
    JsonElement nan = new JsonPrimitive(Double.NaN);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> gateway.sendTo(id, "evt", nan), "the host learns at once, nothing is sent");
    assertTrue(c.rpc("ping", null).has("result"));
  }
}
