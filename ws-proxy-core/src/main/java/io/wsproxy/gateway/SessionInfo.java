package io.wsproxy.gateway;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A snapshot of one gateway session (a broadcast room): a named group of connected clients that broadcasts reach. Immutable.
 *
 * @param id        the session id
 * @param members   the ids of the member clients
 * @param createdAt when the session was created (wall clock)
 * @param metadata  the session's metadata, set by {@code rooms.create} and {@code rooms.patch} ({@code session_create}, {@code session_patch})
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
