package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.wsproxy.gateway.ErrorCodes;

/** JSON-RPC 2.0 style requests, replies and {@code {event, data}} events. */
final class JsonRpcCodec extends JsonCodec {

  private static final String VERSION = "2.0";

  JsonRpcCodec(int maxDepth) {
    super(maxDepth);
  }

  @Override
  Decoded decodeRequest(JsonObject message, JsonElement id) {
    JsonElement version = message.get("jsonrpc");
    boolean versionOk = version == null
        || (version instanceof JsonPrimitive p && p.isString() && VERSION.equals(p.getAsString()));
    if (!versionOk) {
      return new Malformed(id, ErrorCodes.INVALID_REQUEST, "jsonrpc must be \"2.0\"");
    }
    String method = Codec.methodName(message, "method");
    if (method == null) {
      return new Malformed(id, ErrorCodes.INVALID_REQUEST,
          "method must be a string of 1 to " + MAX_METHOD_CHARS + " characters");
    }
    JsonElement params = message.get("params");
    if (params != null && !params.isJsonNull() && !params.isJsonObject() && !params.isJsonArray()) {
      return new Malformed(id, ErrorCodes.INVALID_REQUEST, "params must be an object or an array");
    }
    String sessionId = null;
    if (params instanceof JsonObject o && o.get("sessionId") instanceof JsonPrimitive s
        && s.isString()) {
      sessionId = s.getAsString();
    }
    return new Inbound(id, method, sessionId, params);
  }

  @Override
  public String reply(Inbound request, JsonElement result) {
    JsonObject out = header(request.id());
    out.add("result", result == null ? JsonNull.INSTANCE : result);
    return JsonOut.write(out);
  }

  @Override
  public String error(Inbound request, JsonElement id, int code, String message, JsonElement data) {
    JsonObject out = header(id);
    out.add("error", Codec.errorObject(code, message, "data", data));
    return JsonOut.write(out);
  }

  @Override
  public String event(String event, String sessionId, JsonElement data) {
    JsonObject out = new JsonObject();
    out.addProperty("event", event);
    out.add("data", data == null ? JsonNull.INSTANCE : data);
    if (sessionId != null) {
      out.addProperty("sessionId", sessionId);
    }
    return JsonOut.write(out);
  }

  private static JsonObject header(JsonElement id) {
    JsonObject out = new JsonObject();
    out.addProperty("jsonrpc", VERSION);
    out.add("id", id == null ? JsonNull.INSTANCE : id);
    return out;
  }
}
