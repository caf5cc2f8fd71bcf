package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.wsproxy.gateway.ErrorCodes;
import java.util.concurrent.atomic.AtomicLong;

/** {@code {type, id, sessionId?, payload, timestamp}} messages (see the protocol's Javadoc). */
final class EnvelopeCodec extends JsonCodec {

  private final AtomicLong eventIds = new AtomicLong();

  EnvelopeCodec(int maxDepth) {
    super(maxDepth);
  }

  @Override
  Decoded decodeRequest(JsonObject message, JsonElement id) {
    String type = Codec.methodName(message, "type");
    if (type == null) {
      return new Malformed(id, ErrorCodes.INVALID_REQUEST,
          "type must be a string of 1 to " + MAX_METHOD_CHARS + " characters");
    }
    String sessionId;
    try {
      sessionId = Codec.optionalString(message, "sessionId");
    } catch (IllegalArgumentException e) {
      return new Malformed(id, ErrorCodes.INVALID_REQUEST, e.getMessage());
    }
    return new Inbound(id, type, sessionId, message.get("payload"));
  }

  @Override
  public String reply(Inbound request, JsonElement result) {
    return envelope(replyType(request.method()), request.id(), request.sessionId(), result);
  }

  @Override
  public String error(Inbound request, JsonElement id, int code, String message, JsonElement data) {
    return envelope("error", id, request == null ? null : request.sessionId(),
        Codec.errorObject(code, message, "details", data));
  }

  @Override
  public String event(String event, String sessionId, JsonElement data) {
    return envelope(event, new com.google.gson.JsonPrimitive("evt-" + eventIds.incrementAndGet()),
        sessionId, data);
  }

  static String replyType(String type) {
    return switch (type) {
      case "connect" -> "hello_ok";
      case "auth" -> "auth_success";
      case "ping" -> "pong";
      default -> type + "_ok";
    };
  }

  private static String envelope(String type, JsonElement id, String sessionId, JsonElement payload) {
    JsonObject out = new JsonObject();
    out.addProperty("type", type);
    out.add("id", id == null ? JsonNull.INSTANCE : id);
    if (sessionId != null) {
      out.addProperty("sessionId", sessionId);
    }
    out.add("payload", payload == null ? JsonNull.INSTANCE : payload);
    out.addProperty("timestamp", System.currentTimeMillis());
    return JsonOut.write(out);
  }
}
