package io.wsproxy.gateway.internal;

import com.google.gson.JsonObject;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.SessionInfo;
import io.wsproxy.spi.Text;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The broadcast rooms (the envelope protocol's "sessions", {@code rooms.*} in JSON-RPC) and their
 * members, with the presence events and broadcasts that follow membership. Membership changes (the
 * room's member set and the client's room set) happen under one lock so that a room is removed
 * exactly when its last member leaves and never loses a concurrent joiner; reads (broadcast,
 * listing) are lock-free over concurrent collections. Never sends or calls the listener while
 * holding the lock.
 */
final class Rooms {

  /** What a room id may look like: 1 to 128 of letters, digits and {@code . _ : @ -}. */
  static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  /** One live room. */
  static final class Room {
    final String id;
    final Instant createdAt = Instant.now();
    final Set<String> members = ConcurrentHashMap.newKeySet();
    final Map<String, String> metadata = new ConcurrentHashMap<>();
    /** A room the host created stays without members until the host ends it. */
    final boolean hostOwned;

    Room(String id, boolean hostOwned) {
      this.id = id;
      this.hostOwned = hostOwned;
    }

    SessionInfo info() {
      return new SessionInfo(id, members, createdAt, metadata);
    }
  }

  /** How {@link #join} treats an existing or missing room. */
  enum Mode { CREATE_NEW, JOIN_OR_CREATE, JOIN_EXISTING }

  /** The outcome of a join: {@code created} if the room is new, {@code added} if the client was not a member. */
  record Joined(Room room, boolean created, boolean added) {}

  /** The outcome of a leave: {@code removed} if the room went with its last member. */
  record Left(Room room, boolean removed) {}

  private final Object lock = new Object();
  private final Map<String, Room> byId = new ConcurrentHashMap<>(); // written under lock
  private final int maxPerClient;
  private final Clients clients;
  private final SafeListener listener;

  Rooms(int maxPerClient, Clients clients, SafeListener listener) {
    this.maxPerClient = maxPerClient;
    this.clients = clients;
    this.listener = listener;
    clients.onRemoved(this::leaveAll);
  }

  static String requireValidId(String id) {
    return requireValidId(id, "sessionId");
  }

  /** {@code id} if it has the shape of {@link #ROOM_ID}, else an invalid-params error naming {@code field}. */
  static String requireValidId(String id, String field) {
    if (id == null || !ROOM_ID.matcher(id).matches()) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          field + " must be 1 to 128 letters, digits or . _ : @ -");
    }
    return id;
  }

  /** Adds {@code client} to room {@code id}, announcing it; throws a {@link GatewayException} when refused. */
  Joined join(ClientState client, String id, Mode mode, Map<String, String> metadata) {
    Joined joined = joinQuietly(client, id, mode, metadata, false);
    if (joined.created()) {
      listener.sessionCreated(joined.room().info());
    }
    if (joined.added()) {
      broadcast(joined.room().id, Gateway.PRESENCE_EVENT, presence(joined.room().id, client,
          "join"), client.id);
    }
    return joined;
  }

  private Joined joinQuietly(ClientState client, String id, Mode mode,
      Map<String, String> metadata, boolean hostOwned) {
    requireValidId(id);
    synchronized (lock) {
      if (client != null && client.closed.get()) {
        throw new GatewayException(ErrorCodes.UNAVAILABLE, "Client is closing");
      }
      Room room = byId.get(id);
      if (room != null && mode == Mode.CREATE_NEW) {
        throw new GatewayException(ErrorCodes.CONFLICT, "Session already exists");
      }
      if (room == null && mode == Mode.JOIN_EXISTING) {
        throw new GatewayException(ErrorCodes.INVALID_PARAMS, "No such session");
      }
      if (client != null && room != null && room.members.contains(client.id)) {
        return new Joined(room, false, false);
      }
      if (client != null && client.sessions.size() >= maxPerClient) {
        throw new GatewayException(ErrorCodes.FORBIDDEN,
            "A client may be in at most " + maxPerClient + " sessions");
      }
      boolean created = room == null;
      if (created) {
        room = new Room(id, hostOwned);
        if (metadata != null) {
          room.metadata.putAll(metadata);
        }
        byId.put(id, room);
      }
      if (client != null) {
        room.members.add(client.id);
        client.sessions.add(id);
      }
      return new Joined(room, created, client != null);
    }
  }

  /** Removes {@code client} from room {@code id}, announcing it; {@code null} if it was not a member. */
  Left leave(ClientState client, String id) {
    Left left;
    synchronized (lock) {
      left = leaveLocked(client, id);
    }
    if (left != null) {
      announceLeave(client, left);
    }
    return left;
  }

  private Left leaveLocked(ClientState client, String id) {
    Room room = byId.get(id);
    if (room == null || !room.members.remove(client.id)) {
      return null;
    }
    client.sessions.remove(id);
    boolean removed = room.members.isEmpty() && !room.hostOwned;
    if (removed) {
      byId.remove(id);
    }
    return new Left(room, removed);
  }

  /** Removes {@code client} from every room it is in (it is gone). */
  private void leaveAll(ClientState client) {
    List<Left> out = new ArrayList<>();
    synchronized (lock) {
      for (String id : List.copyOf(client.sessions)) {
        Left left = leaveLocked(client, id);
        if (left != null) {
          out.add(left);
        }
      }
    }
    out.forEach(left -> announceLeave(client, left));
  }

  private void announceLeave(ClientState client, Left left) {
    if (left.removed()) {
      listener.sessionRemoved(left.room().id);
    } else {
      broadcast(left.room().id, Gateway.PRESENCE_EVENT, presence(left.room().id, client, "leave"),
          client.id);
    }
  }

  private static JsonObject presence(String roomId, ClientState client, String action) {
    JsonObject o = new JsonObject();
    o.addProperty("sessionId", roomId);
    o.addProperty("clientId", client.id);
    o.addProperty("principal", client.principal().name());
    o.addProperty("action", action);
    return o;
  }

  // ---- host-side management ----

  /** Creates a room that stays, even empty, until {@link #end}; a {@link GatewayException} if it exists. */
  SessionInfo create(String id, Map<String, String> metadata) {
    Joined joined = joinQuietly(null, id, Mode.CREATE_NEW, metadata, true);
    listener.sessionCreated(joined.room().info());
    return joined.room().info();
  }

  /** Adds a connected client to an existing room; {@code false} if the client is gone. */
  boolean addMember(String id, String clientId) {
    ClientState c = clients.get(clientId);
    if (c == null || c.closed.get()) {
      return false;
    }
    join(c, id, Mode.JOIN_EXISTING, null);
    return true;
  }

  /** Removes a client from a room; {@code false} if it was not a member. */
  boolean removeMember(String id, String clientId) {
    ClientState c = clients.get(clientId);
    return c != null && leave(c, id) != null;
  }

  /** Ends a room: its members get {@value Gateway#SESSION_ENDED_EVENT} and are removed from it. */
  boolean end(String id, String reason) {
    Room room;
    synchronized (lock) {
      room = byId.remove(Objects.requireNonNull(id, "sessionId"));
      if (room == null) {
        return false;
      }
      for (String memberId : room.members) {
        ClientState c = clients.get(memberId);
        if (c != null) {
          c.sessions.remove(id);
        }
      }
    }
    JsonObject event = new JsonObject();
    event.addProperty("sessionId", id);
    event.addProperty("reason", reason == null ? "" : reason);
    Text text = clients.sharedEvent(Gateway.SESSION_ENDED_EVENT, id, event);
    for (String memberId : room.members) {
      ClientState c = clients.get(memberId);
      if (c != null) {
        clients.send(c, text);
      }
    }
    listener.sessionRemoved(id);
    return true;
  }

  // ---- sending and reading ----

  /** Sends an event to every member of a room except {@code excludeClientId}; answers how many. */
  int broadcast(String id, String event, Object data, String excludeClientId) {
    Objects.requireNonNull(id, "sessionId");
    Clients.requireEvent(event);
    Room room = byId.get(id);
    if (room == null) {
      return 0;
    }
    Text text = clients.sharedEvent(event, id, data); // serialised and encoded once for all
    int sent = 0;
    for (String memberId : room.members) {
      if (memberId.equals(excludeClientId)) {
        continue;
      }
      ClientState member = clients.get(memberId);
      if (member != null && clients.send(member, text)) {
        sent++;
      }
    }
    return sent;
  }

  Room get(String id) {
    return id == null ? null : byId.get(id);
  }

  Collection<Room> all() {
    return byId.values();
  }

  List<SessionInfo> snapshots() {
    List<SessionInfo> out = new ArrayList<>();
    byId.values().forEach(r -> out.add(r.info()));
    out.sort(Comparator.comparing(SessionInfo::id));
    return out;
  }

  int size() {
    return byId.size();
  }
}
