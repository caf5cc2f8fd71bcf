package io.wsproxy.routing.internal;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import io.wsproxy.internal.RequestPaths;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A routes file's static prefix routes: {@link PathPrefixRoutes} plus, per prefix, an optional
 * set of principal names that may use it. The matched prefix is found the way
 * {@link PathPrefixRoutes} finds it (longest on a segment boundary), so the check always applies
 * to the route that would be taken. An anonymous client of a restricted prefix gets 401 / 4401,
 * any other principal not listed 403 / 4403. Immutable and thread-safe.
 */
public final class StaticRoutes implements RouteResolver {

  /** The refusal of an anonymous client on a route with a principal list. */
  public static final Rejection UNAUTHORIZED = Rejection.unauthorized("Unauthorized");
  /** The refusal of a principal a route does not list. */
  public static final Rejection FORBIDDEN = Rejection.forbidden("Forbidden");

  private final PathPrefixRoutes table;
  private final Map<String, Set<String>> principals; // by normalised prefix; absent: anyone

  /**
   * @param table      the routes
   * @param principals names allowed per prefix, keyed as {@link PathPrefixRoutes#prefixes()} spells
   *                   them; a prefix without an entry admits every authenticated handshake
   */
  public StaticRoutes(PathPrefixRoutes table, Map<String, Set<String>> principals) {
    this.table = Objects.requireNonNull(table, "table");
    this.principals = Map.copyOf(principals);
  }

  /** The prefix table. */
  public PathPrefixRoutes table() {
    return table;
  }

  @Override
  public RouteResult resolve(HandshakeRequest request, Principal principal) {
    if (!principals.isEmpty()) {
      for (String prefix : table.prefixes()) { // longest first, as the table matches
        if (RequestPaths.remainderAfterPrefix(request.path(), prefix) != null) {
          Set<String> allowed = principals.get(prefix);
          if (allowed != null && (principal.isAnonymous() || !allowed.contains(principal.name()))) {
            return principal.isAnonymous() ? UNAUTHORIZED : FORBIDDEN;
          }
          break;
        }
      }
    }
    return table.resolve(request, principal);
  }
}
