package io.wsproxy;

import java.util.List;
import java.util.Objects;

/**
 * Picks the upstream for an authenticated handshake. Implement it, or use the ready resolvers:
 * {@link PathPrefixRoutes} here, and session and named-backend routes in {@code io.wsproxy.routing}.
 *
 * <p>Called once per handshake, on the transport's handshake thread, after the origin and auth checks;
 * it must not block. It must never derive an upstream <em>host</em> from request data: hosts come from
 * configuration. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RouteResolver {

  /**
   * Resolves a request.
   *
   * @param request   the handshake, with forwarded headers already normalised
   * @param principal who the client authenticated as ({@link Principal#ANONYMOUS} without auth)
   * @return a {@link Route}, a {@link Rejection}, or {@link RouteResult#NO_MATCH}
   */
  RouteResult resolve(HandshakeRequest request, Principal principal);

  /**
   * Tries each resolver in order; the first that does not answer {@link RouteResult#NO_MATCH} wins.
   * A request no resolver matches gets {@code NO_MATCH} (the proxy answers 404 / 4404).
   */
  static RouteResolver firstMatch(RouteResolver... resolvers) {
    List<RouteResolver> list = List.of(resolvers);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("resolvers is empty");
    }
    return (request, principal) -> {
      for (RouteResolver r : list) {
        RouteResult result = Objects.requireNonNull(r.resolve(request, principal),
            "a RouteResolver returned null");
        if (result != RouteResult.NO_MATCH) {
          return result;
        }
      }
      return RouteResult.NO_MATCH;
    };
  }
}
