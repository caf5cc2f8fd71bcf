package io.wsproxy.gateway.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayException;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The built-in session methods: {@code sessions.create|join|leave|patch|list|broadcast} (envelope
 * aliases {@code session_create|join|leave|patch|list|broadcast}) and {@code presence}.
 */
final class SessionMethods {

  /** Params of the session methods; {@code sessionId} falls back to the envelope's field. */
  record SessionParams(String sessionId, Map<String, String> metadata, JsonElement data) {}

  private final GatewayCore core;

  SessionMethods(GatewayCore core) {
    this.core = core;
  }

  void register(Handlers h) {
    h.builtin(SessionParams.class, this::create, "sessions.create", "session_create");
    h.builtin(SessionParams.class, this::join, "sessions.join", "session_join");
    h.builtin(SessionParams.class, this::leave, "sessions.leave", "session_leave");
    h.builtin(SessionParams.class, this::patch, "sessions.patch", "session_patch");
    h.builtin(SessionParams.class, this::broadcast, "sessions.broadcast", "session_broadcast");
    h.builtin(JsonElement.class, call -> list(), "sessions.list", "session_list");
    h.builtin(SessionParams.class, this::presence, "presence", "sessions.presence");
  }

  private static String sessionId(Call<SessionParams> call) {
    String id = call.params().sessionId() != null ? call.params().sessionId() : call.sessionId();
    return Sessions.requireValidId(id);
  }

  private static void checkMetadata(Map<String, String> metadata) {
    if (metadata == null) {
      return;
    }
    if (metadata.size() > ClientState.MAX_METADATA_ENTRIES) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "at most " + ClientState.MAX_METADATA_ENTRIES + " metadata entries");
    }
    metadata.forEach(ClientState::checkMetadata);
  }

  private Object create(Call<SessionParams> call) {
    String given = call.params().sessionId() != null ? call.params().sessionId() : call.sessionId();
    String id = given != null ? Sessions.requireValidId(given) : "s-" + UUID.randomUUID();
    Map<String, String> metadata = call.params().metadata();
    checkMetadata(metadata);
    if (metadata != null && metadata.containsValue(null)) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "metadata values must not be null");
    }
    return joined(call, id, Sessions.Mode.CREATE_NEW, metadata);
  }

  private Object join(Call<SessionParams> call) {
    return joined(call, sessionId(call), Sessions.Mode.JOIN_OR_CREATE, null);
  }

  private Object joined(Call<SessionParams> call, String id, Sessions.Mode mode,
      Map<String, String> metadata) {
    ClientState client = BuiltinMethods.state(call);
    Sessions.Joined joined = core.sessionTable().join(client, id, mode, metadata);
    core.afterJoin(client, joined);
    return session(joined.session());
  }

  private Object leave(Call<SessionParams> call) {
    ClientState client = BuiltinMethods.state(call);
    String id = sessionId(call);
    Sessions.Left left = core.sessionTable().leave(client, id);
    if (left == null) {
      throw new GatewayException(ErrorCodes.FORBIDDEN, "Not a member of the session");
    }
    core.afterLeave(client, left);
    JsonObject o = new JsonObject();
    o.addProperty("sessionId", id);
    o.addProperty("removed", left.removed());
    return o;
  }

  private Object patch(Call<SessionParams> call) {
    Sessions.Session session = memberSession(call);
    Map<String, String> patch = call.params().metadata();
    if (patch == null) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "metadata is required");
    }
    checkMetadata(patch);
    patch.forEach((k, v) -> {
      if (v == null) {
        session.metadata.remove(k);
      } else if (session.metadata.containsKey(k)
          || session.metadata.size() < ClientState.MAX_METADATA_ENTRIES) {
        session.metadata.put(k, v);
      }
    });
    JsonObject event = new JsonObject();
    event.addProperty("sessionId", session.id);
    event.addProperty("from", call.clientId());
    event.add("metadata", core.toJson(patch));
    core.broadcast(session.id, Gateway.SESSION_PATCH_EVENT, event, call.clientId());
    return session(session);
  }

  private Object broadcast(Call<SessionParams> call) {
    Sessions.Session session = memberSession(call);
    JsonObject event = new JsonObject();
    event.addProperty("sessionId", session.id);
    event.addProperty("from", call.clientId());
    event.add("data", call.params().data());
    int delivered = core.broadcast(session.id, Gateway.SESSION_MESSAGE_EVENT, event, call.clientId());
    JsonObject o = new JsonObject();
    o.addProperty("delivered", delivered);
    return o;
  }

  private Object list() {
    JsonArray out = new JsonArray();
    core.sessions().forEach(s -> {
      JsonObject o = new JsonObject();
      o.addProperty("sessionId", s.id());
      o.addProperty("memberCount", s.members().size());
      o.addProperty("createdAt", s.createdAt().toString());
      o.add("metadata", core.toJson(s.metadata()));
      out.add(o);
    });
    JsonObject o = new JsonObject();
    o.add("sessions", out);
    return o;
  }

  /** Members of one session (the caller must be one), or of every session the caller is in. */
  private Object presence(Call<SessionParams> call) {
    ClientState client = BuiltinMethods.state(call);
    String given = call.params().sessionId() != null ? call.params().sessionId() : call.sessionId();
    TreeSet<String> ids = new TreeSet<>();
    if (given != null) {
      ids.addAll(memberSession(call).members);
    } else {
      for (String sid : client.sessions) {
        Sessions.Session s = core.sessionTable().get(sid);
        if (s != null) {
          ids.addAll(s.members);
        }
      }
    }
    JsonArray clients = new JsonArray();
    for (String id : ids) {
      ClientState c = core.clientTable().get(id);
      if (c != null) {
        JsonObject o = new JsonObject();
        o.addProperty("clientId", c.id);
        o.addProperty("principal", c.principal().name());
        o.add("metadata", core.toJson(c.info(core.now()).metadata()));
        clients.add(o);
      }
    }
    JsonObject o = new JsonObject();
    if (given != null) {
      o.addProperty("sessionId", given);
    }
    o.add("clients", clients);
    return o;
  }

  private Sessions.Session memberSession(Call<SessionParams> call) {
    String id = sessionId(call);
    Sessions.Session session = core.sessionTable().get(id);
    if (session == null || !session.members.contains(call.clientId())) {
      throw new GatewayException(ErrorCodes.FORBIDDEN, "Not a member of the session");
    }
    return session;
  }

  private static JsonObject session(Sessions.Session s) {
    JsonObject o = new JsonObject();
    o.addProperty("sessionId", s.id);
    o.add("members", BuiltinMethods.strings(new TreeSet<>(s.members)));
    o.addProperty("createdAt", s.createdAt.toString());
    JsonObject meta = new JsonObject();
    new TreeSet<>(s.metadata.keySet()).forEach(k -> {
      String v = s.metadata.get(k);
      if (v != null) {
        meta.addProperty(k, v);
      }
    });
    o.add("metadata", meta);
    return o;
  }
}
