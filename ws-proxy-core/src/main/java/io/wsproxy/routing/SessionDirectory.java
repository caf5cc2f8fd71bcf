package io.wsproxy.routing;

import java.util.Optional;

/**
 * Where {@link SessionRoutes} looks sessions up: implement it over the host's own session store, or
 * use the in-memory {@link SessionRegistry}.
 *
 * <p>Called on the handshake thread for every session connection, with an id that has already been
 * validated against {@link Session#ID_PATTERN}. Must be thread-safe and must not block (serve it from
 * memory or a cache). An exception refuses the handshake with 500 / 1011.
 */
@FunctionalInterface
public interface SessionDirectory {

  /** The live session with this id, or empty when there is none. */
  Optional<Session> find(String sessionId);
}
