package io.wsproxy.gateway;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A snapshot of one gateway session: a named group of clients that broadcasts reach. Immutable.
 *
 * @param id        the session id
 * @param members   the ids of the member clients
 * @param createdAt when the session was created (wall clock)
 * @param metadata  the session's metadata, set by {@code sessions.create} and {@code sessions.patch}
 */
public record SessionInfo(String id, Set<String> members, Instant createdAt,
    Map<String, String> metadata) {

  public SessionInfo {
    Objects.requireNonNull(id, "id");
    members = Set.copyOf(members);
    Objects.requireNonNull(createdAt, "createdAt");
    metadata = Map.copyOf(metadata);
  }
}
