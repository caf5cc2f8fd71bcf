package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.wsproxy.gateway.ErrorCodes;

/**
 * What both codecs share: a depth-bounded parse to a JSON object carrying a string or number
 * {@code id}, then the protocol's own fields.
 */
abstract class JsonCodec implements Codec {

  private final int maxDepth;

  JsonCodec(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  @Override
  public final Decoded decode(String text) {
    JsonElement root;
    try {
      root = BoundedJson.parse(text, maxDepth);
    } catch (BoundedJson.JsonRefused e) {
      return new Malformed(null, ErrorCodes.PARSE_ERROR, "Parse error: " + e.getMessage());
    }
    if (root.isJsonArray()) {
      return new Malformed(null, ErrorCodes.INVALID_REQUEST, "Batch requests are not supported");
    }
    if (!root.isJsonObject()) {
      return new Malformed(null, ErrorCodes.INVALID_REQUEST, "A message must be a JSON object");
    }
    JsonObject message = root.getAsJsonObject();
    if (!(message.get("id") instanceof JsonPrimitive id && (id.isString() || id.isNumber()))) {
      return new Malformed(null, ErrorCodes.INVALID_REQUEST, "id must be a string or a number");
    }
    return decodeRequest(message, id);
  }

  /** The protocol's fields of a message whose {@code id} is valid. */
  abstract Decoded decodeRequest(JsonObject message, JsonElement id);
}
