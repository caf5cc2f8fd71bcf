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
 * The built-in room methods: {@code rooms.create|join|leave|patch|list|broadcast|presence} (the
 * envelope protocol calls rooms sessions: {@code session_create|join|leave|patch|list|broadcast},
 * {@code presence}), and {@code chat} ({@code rooms.chat}), which sends {@code {text}} to the room.
 */
final class RoomMethods {

  /** Longest {@code chat} text, in characters. */
  static final int MAX_CHAT_CHARS = 16 * 1024;

  /** Params of the session methods; {@code sessionId} falls back to the envelope's field. */
  record SessionParams(String sessionId, Map<String, String> metadata, JsonElement data) {}

  /** Params of {@code chat}. */
  record ChatParams(String sessionId, String text) {}

  private final Rooms rooms;
  private final Clients clients;

  RoomMethods(Rooms rooms, Clients clients) {
    this.rooms = rooms;
    this.clients = clients;
  }

  void register(Handlers h) {
    h.builtin(SessionParams.class, this::create, "rooms.create", "session_create");
    h.builtin(SessionParams.class, this::join, "rooms.join", "session_join");
    h.builtin(SessionParams.class, this::leave, "rooms.leave", "session_leave");
    h.builtin(SessionParams.class, this::patch, "rooms.patch", "session_patch");
    h.builtin(SessionParams.class, this::broadcast, "rooms.broadcast", "session_broadcast");
    h.builtin(JsonElement.class, call -> list(), "rooms.list", "session_list");
    h.builtin(SessionParams.class, this::presence, "rooms.presence", "presence");
    h.builtin(ChatParams.class, this::chat, "rooms.chat", "chat");
  }

  private static String sessionId(Call<SessionParams> call) {
    String id = call.params().sessionId() != null ? call.params().sessionId() : call.sessionId();
    return Rooms.requireValidId(id);
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
    String id = given != null ? Rooms.requireValidId(given) : "s-" + UUID.randomUUID();
    Map<String, String> metadata = call.params().metadata();
    checkMetadata(metadata);
    if (metadata != null && metadata.containsValue(null)) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "metadata values must not be null");
    }
    return joined(call, id, Rooms.Mode.CREATE_NEW, metadata);
  }

  private Object join(Call<SessionParams> call) {
    return joined(call, sessionId(call), Rooms.Mode.JOIN_OR_CREATE, null);
  }

  private Object joined(Call<SessionParams> call, String id, Rooms.Mode mode,
      Map<String, String> metadata) {
    ClientState client = BuiltinMethods.state(call);
    return session(rooms.join(client, id, mode, metadata).room());
  }

  private Object leave(Call<SessionParams> call) {
    ClientState client = BuiltinMethods.state(call);
    String id = sessionId(call);
    Rooms.Left left = rooms.leave(client, id);
    if (left == null) {
      throw new GatewayException(ErrorCodes.FORBIDDEN, "Not a member of the session");
    }
    JsonObject o = new JsonObject();
    o.addProperty("sessionId", id);
    o.addProperty("removed", left.removed());
    return o;
  }

  private Object patch(Call<SessionParams> call) {
    Rooms.Room session = memberSession(call);
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
    event.add("metadata", clients.toJson(patch));
    rooms.broadcast(session.id, Gateway.SESSION_PATCH_EVENT, event, call.clientId());
    return session(session);
  }

  private Object broadcast(Call<SessionParams> call) {
    Rooms.Room session = memberSession(call);
    JsonObject event = new JsonObject();
    event.addProperty("sessionId", session.id);
    event.addProperty("from", call.clientId());
    event.add("data", call.params().data());
    int delivered = rooms.broadcast(session.id, Gateway.SESSION_MESSAGE_EVENT, event, call.clientId());
    JsonObject o = new JsonObject();
    o.addProperty("delivered", delivered);
    return o;
  }

  private Object list() {
    JsonArray out = new JsonArray();
    rooms.snapshots().forEach(s -> {
      JsonObject o = new JsonObject();
      o.addProperty("sessionId", s.id());
      o.addProperty("memberCount", s.members().size());
      o.addProperty("createdAt", s.createdAt().toString());
      o.add("metadata", clients.toJson(s.metadata()));
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
        Rooms.Room s = rooms.get(sid);
        if (s != null) {
          ids.addAll(s.members);
        }
      }
    }
    JsonArray members = new JsonArray();
    for (String id : ids) {
      ClientState c = clients.get(id);
      if (c != null) {
        JsonObject o = new JsonObject();
        o.addProperty("clientId", c.id);
        o.addProperty("principal", c.principal().name());
        o.add("metadata", clients.toJson(c.info(clients.now()).metadata()));
        members.add(o);
      }
    }
    JsonObject o = new JsonObject();
    if (given != null) {
      o.addProperty("sessionId", given);
    }
    o.add("clients", members);
    return o;
  }

  private Object chat(Call<ChatParams> call) {
    String text = call.params().text();
    if (text == null || text.isEmpty() || text.length() > MAX_CHAT_CHARS) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "text must be a string of 1 to " + MAX_CHAT_CHARS + " characters");
    }
    String given = call.params().sessionId() != null ? call.params().sessionId() : call.sessionId();
    Rooms.Room room = member(Rooms.requireValidId(given), call.clientId());
    JsonObject event = new JsonObject();
    event.addProperty("sessionId", room.id);
    event.addProperty("from", call.clientId());
    event.addProperty("principal", call.principal().name());
    event.addProperty("text", text);
    int delivered = rooms.broadcast(room.id, Gateway.CHAT_EVENT, event, call.clientId());
    JsonObject o = new JsonObject();
    o.addProperty("sessionId", room.id);
    o.addProperty("delivered", delivered);
    return o;
  }

  private Rooms.Room memberSession(Call<SessionParams> call) {
    return member(sessionId(call), call.clientId());
  }

  private Rooms.Room member(String id, String clientId) {
    Rooms.Room session = rooms.get(id);
    if (session == null || !session.members.contains(clientId)) {
      throw new GatewayException(ErrorCodes.FORBIDDEN, "Not a member of the session");
    }
    return session;
  }

  private static JsonObject session(Rooms.Room s) {
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
