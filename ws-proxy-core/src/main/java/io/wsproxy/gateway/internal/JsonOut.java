package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.stream.JsonWriter;
import java.io.StringWriter;

/**
 * Writes JSON the gateway sends. Unlike {@code JsonElement.toString()}, which is lenient and
 * writes {@code NaN} or {@code Infinity} for such doubles, it refuses what is not JSON (RFC 8259),
 * so the gateway never sends invalid JSON. Thread-safe (stateless).
 */
final class JsonOut {

  private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private JsonOut() {}

  /** {@code element} as strict JSON; {@link IllegalArgumentException} if it holds a non-finite number. */
  static String write(JsonElement element) {
    StringWriter out = new StringWriter();
    JsonWriter writer = new JsonWriter(out);
    writer.setStrictness(Strictness.STRICT);
    writer.setHtmlSafe(false);
    GSON.toJson(element, writer); // keeps the writer's strictness: Gson has none of its own
    return out.toString();
  }
}
