package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.wsproxy.gateway.GatewayProtocol;

/**
 * Turns one protocol's text messages into {@link Inbound} requests and writes its replies, errors
 * and events. Thread-safe: one codec serves every client of a gateway.
 */
public interface Codec {

  /** Longest method or message type name, in characters. */
  int MAX_METHOD_CHARS = 128;

  /** Parses one text message. */
  Decoded decode(String text);

  /** The reply carrying {@code result} (never Java {@code null}; JSON null is {@code JsonNull}). */
  String reply(Inbound request, JsonElement result);

  /**
   * An error reply.
   *
   * @param request the request answered, or {@code null} when the message was not understood
   * @param id      the id to echo (the request's, or what could be read of it), or {@code null}
   * @param data    extra data, or {@code null}
   */
  String error(Inbound request, JsonElement id, int code, String message, JsonElement data);

  /** A server event, optionally about a session. */
  String event(String event, String sessionId, JsonElement data);

  /** The codec of {@code protocol}, refusing JSON nested deeper than {@code maxDepth}. */
  static Codec of(GatewayProtocol protocol, int maxDepth) {
    return switch (protocol) {
      case ENVELOPE -> new EnvelopeCodec(maxDepth);
      case JSON_RPC -> new JsonRpcCodec(maxDepth);
    };
  }

  /** What decoding a text answers: an {@link Inbound} request or a {@link Malformed} message. */
  sealed interface Decoded permits Inbound, Malformed {}

  /**
   * One request.
   *
   * @param id        the client's id, a string or number primitive
   * @param method    the method or message type
   * @param sessionId the session it is about, or {@code null}
   * @param params    the params or payload; {@code null} when absent
   */
  record Inbound(JsonElement id, String method, String sessionId, JsonElement params)
      implements Decoded {}

  /** A message that is not a request; answered with {@code code} and echoing {@code id} if known. */
  record Malformed(JsonElement id, int code, String message) implements Decoded {}

  /** The member {@code name} if it is a usable method name, else {@code null}. */
  static String methodName(JsonObject message, String name) {
    JsonElement m = message.get(name);
    if (m instanceof JsonPrimitive p && p.isString()) {
      String s = p.getAsString();
      if (!s.isEmpty() && s.length() <= MAX_METHOD_CHARS) {
        return s;
      }
    }
    return null;
  }

  /** The member {@code name} as a string; {@code null} if absent or JSON null; throws if not a string. */
  static String optionalString(JsonObject object, String name) {
    JsonElement e = object.get(name);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (e instanceof JsonPrimitive p && p.isString()) {
      return p.getAsString();
    }
    throw new IllegalArgumentException(name + " must be a string");
  }

  /** {@code {code, message, <dataName>?}}. */
  static JsonObject errorObject(int code, String message, String dataName, JsonElement data) {
    JsonObject error = new JsonObject();
    error.addProperty("code", code);
    error.addProperty("message", message);
    if (data != null && !data.isJsonNull()) {
      error.add(dataName, data);
    }
    return error;
  }
}
