/**
 * Ready {@link io.wsproxy.RouteResolver}s for sandbox sessions and named local backends.
 *
 * <ul>
 *   <li>{@link io.wsproxy.routing.PortResolver}: which of a host's exposed ports serves a path
 *       (prefix on segment boundaries, longest first, an explicit default or nothing).</li>
 *   <li>{@link io.wsproxy.routing.SessionRoutes} over a {@link io.wsproxy.routing.SessionDirectory}
 *       or the in-memory {@link io.wsproxy.routing.SessionRegistry}: {@code /s/{sessionId}/ws/**},
 *       with registration, re-registration and end, and public URLs frozen at registration
 *       ({@link io.wsproxy.routing.PublicUrls}, {@link io.wsproxy.routing.ExposedUrls}).</li>
 *   <li>{@link io.wsproxy.routing.BackendRoutes} over a {@link io.wsproxy.routing.BackendRegistry}:
 *       {@code /plugin-ws/{name}}.</li>
 *   <li>{@link io.wsproxy.routing.RoutesFile}: all of the above and static prefix routes from JSON.</li>
 * </ul>
 *
 * <p>Combine them with {@link io.wsproxy.RouteResolver#firstMatch}: a resolver answers
 * {@code NO_MATCH} only for paths outside its pattern, so a refusal (bad id, unknown session,
 * plugin not running) never falls through to a catch-all route. Upstream hosts always come from
 * configuration; route parameters only select registry entries.
 */
package io.wsproxy.routing;
