package io.wsproxy.gateway.internal;

import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.SessionInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The live sessions of a gateway and their members. Membership changes (both the session's member
 * set and the client's session set) happen under one lock so that a session is removed exactly
 * when its last member leaves and never loses a concurrent joiner; reads (broadcast, listing) are
 * lock-free over concurrent collections. Never calls out while holding the lock.
 */
final class Sessions {

  /** What a session id may look like: 1 to 128 of letters, digits and {@code . _ : @ -}. */
  static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  /** One live session. */
  static final class Session {
    final String id;
    final Instant createdAt = Instant.now();
    final Set<String> members = ConcurrentHashMap.newKeySet();
    final Map<String, String> metadata = new ConcurrentHashMap<>();

    Session(String id) {
      this.id = id;
    }

    SessionInfo info() {
      return new SessionInfo(id, members, createdAt, metadata);
    }
  }

  /** How {@link #join} treats an existing or missing session. */
  enum Mode { CREATE_NEW, JOIN_OR_CREATE }

  /** The outcome of a join: {@code created} if the session is new, {@code added} if the client was not a member. */
  record Joined(Session session, boolean created, boolean added) {}

  /** The outcome of a leave: {@code removed} if the session went with its last member. */
  record Left(Session session, boolean removed) {}

  private final Object lock = new Object();
  private final Map<String, Session> byId = new ConcurrentHashMap<>(); // written under lock
  private final int maxPerClient;

  Sessions(int maxPerClient) {
    this.maxPerClient = maxPerClient;
  }

  static String requireValidId(String sessionId) {
    return requireValidId(sessionId, "sessionId");
  }

  /** {@code id} if it has the shape of {@link #SESSION_ID}, else an invalid-params error naming {@code field}. */
  static String requireValidId(String id, String field) {
    if (id == null || !SESSION_ID.matcher(id).matches()) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          field + " must be 1 to 128 letters, digits or . _ : @ -");
    }
    return id;
  }

  /** Adds {@code client} to {@code sessionId}; throws a {@link GatewayException} when refused. */
  Joined join(ClientState client, String sessionId, Mode mode, Map<String, String> metadata) {
    requireValidId(sessionId);
    synchronized (lock) {
      if (client.closed.get()) {
        throw new GatewayException(ErrorCodes.UNAVAILABLE, "Client is closing");
      }
      Session session = byId.get(sessionId);
      if (session != null && mode == Mode.CREATE_NEW) {
        throw new GatewayException(ErrorCodes.CONFLICT, "Session already exists");
      }
      if (session != null && session.members.contains(client.id)) {
        return new Joined(session, false, false);
      }
      if (client.sessions.size() >= maxPerClient) {
        throw new GatewayException(ErrorCodes.FORBIDDEN,
            "A client may be in at most " + maxPerClient + " sessions");
      }
      boolean created = session == null;
      if (created) {
        session = new Session(sessionId);
        if (metadata != null) {
          session.metadata.putAll(metadata);
        }
        byId.put(sessionId, session);
      }
      session.members.add(client.id);
      client.sessions.add(sessionId);
      return new Joined(session, created, true);
    }
  }

  /** Removes {@code client} from {@code sessionId}; {@code null} if it was not a member. */
  Left leave(ClientState client, String sessionId) {
    synchronized (lock) {
      Session session = byId.get(sessionId);
      if (session == null || !session.members.remove(client.id)) {
        return null;
      }
      client.sessions.remove(sessionId);
      boolean removed = session.members.isEmpty();
      if (removed) {
        byId.remove(sessionId);
      }
      return new Left(session, removed);
    }
  }

  /** Removes {@code client} from every session it is in. */
  List<Left> leaveAll(ClientState client) {
    List<Left> out = new ArrayList<>();
    synchronized (lock) {
      for (String sessionId : List.copyOf(client.sessions)) {
        Left left = leave(client, sessionId);
        if (left != null) {
          out.add(left);
        }
      }
    }
    return out;
  }

  Session get(String sessionId) {
    return sessionId == null ? null : byId.get(sessionId);
  }

  Collection<Session> all() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }
}
