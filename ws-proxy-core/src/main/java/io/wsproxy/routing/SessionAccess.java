package io.wsproxy.routing;

import io.wsproxy.Principal;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a principal may use a session. A principal that may not gets exactly the answer
 * an unknown session gets (404 / 4404 "Session not found"), so nobody can probe which sessions exist.
 *
 * <p>Called on the handshake thread for every connection to the session; must be thread-safe and
 * must not block. If it throws, access is denied (and logged).
 */
@FunctionalInterface
public interface SessionAccess {

  /** Everyone may use the session (the default; authentication still applies). */
  SessionAccess ANYONE = principal -> true;

  /** Whether {@code principal} may connect to the session. */
  boolean allows(Principal principal);

  /** Only the principal named {@code owner} (see {@link Principal#name()}). */
  static SessionAccess ownedBy(String owner) {
    Objects.requireNonNull(owner, "owner");
    if (owner.isEmpty()) {
      throw new IllegalArgumentException("owner is empty");
    }
    return principal -> !principal.isAnonymous() && owner.equals(principal.name());
  }

  /** Only principals whose names are in {@code names}. */
  static SessionAccess anyOf(Set<String> names) {
    Set<String> copy = Set.copyOf(Objects.requireNonNull(names, "names"));
    return principal -> !principal.isAnonymous() && copy.contains(principal.name());
  }
}
