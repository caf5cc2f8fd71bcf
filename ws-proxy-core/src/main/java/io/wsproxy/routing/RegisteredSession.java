package io.wsproxy.routing;

import java.util.Objects;

/**
 * A session as {@link SessionRegistry#register} accepted it: the session (with the registry's
 * connection group) and its public URLs, frozen at registration so clients can read them at once.
 * Immutable and thread-safe.
 *
 * @param session the registered session; {@link Session#connections()} is the registry's group
 * @param urls    the public URLs of its exposures
 */
public record RegisteredSession(Session session, ExposedUrls urls) {

  public RegisteredSession {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(urls, "urls");
  }

  public String id() {
    return session.id();
  }

  /** How many connections to the session are open right now. */
  public int liveConnections() {
    return session.connections() == null ? 0 : session.connections().size();
  }
}
