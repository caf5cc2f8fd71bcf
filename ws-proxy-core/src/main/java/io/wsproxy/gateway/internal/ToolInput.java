package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.GatewayException;
import java.util.Map;

/**
 * The check {@code tools.invoke} makes of an input against its tool's JSON schema before the tool
 * runs: an object (absent input is {@code {}}), every {@code required} member present, and each
 * member whose property schema names a {@code type} of that JSON type. Deeper schema features are
 * the tool's to check. Stateless.
 */
final class ToolInput {

  private ToolInput() {}

  /** The input to hand the tool; a {@link GatewayException} (-32602) naming the first problem. */
  static JsonObject check(JsonObject schema, JsonElement input) {
    JsonObject in = input == null || input.isJsonNull() ? new JsonObject()
        : input.isJsonObject() ? input.getAsJsonObject() : null;
    if (in == null) {
      throw invalid("input must be an object");
    }
    if (schema.get("required") != null && schema.get("required").isJsonArray()) {
      for (JsonElement name : schema.getAsJsonArray("required")) {
        if (name.isJsonPrimitive() && !in.has(name.getAsString())) {
          throw invalid("input." + name.getAsString() + " is required");
        }
      }
    }
    if (schema.get("properties") instanceof JsonObject properties) {
      for (Map.Entry<String, JsonElement> p : properties.entrySet()) {
        JsonElement value = in.get(p.getKey());
        if (value != null && p.getValue() instanceof JsonObject ps
            && ps.get("type") instanceof JsonPrimitive type && type.isString()
            && !hasType(value, type.getAsString())) {
          throw invalid("input." + p.getKey() + " must be of type " + type.getAsString());
        }
      }
    }
    return in;
  }

  private static boolean hasType(JsonElement v, String type) {
    return switch (type) {
      case "string" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
      case "number" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber();
      case "integer" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()
          && v.getAsString().matches("-?\\d+");
      case "boolean" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean();
      case "object" -> v.isJsonObject();
      case "array" -> v.isJsonArray();
      case "null" -> v.isJsonNull();
      default -> true; // a type this check does not know: the tool's to judge
    };
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCodes.INVALID_PARAMS, message);
  }
}
