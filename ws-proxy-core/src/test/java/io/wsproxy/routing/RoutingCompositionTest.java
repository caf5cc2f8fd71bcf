package io.wsproxy.routing;

import static io.wsproxy.routing.Requests.resolve;
import static io.wsproxy.routing.Requests.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import org.junit.jupiter.api.Test;

/** One proxy resolver serving sessions, plugins and static prefix routes together. */
class RoutingCompositionTest {

  private final SessionRegistry sessions = SessionRegistry.create(
      PublicUrls.builder().publicDomain("sandbox.example.com").build());
  private final BackendRegistry plugins = BackendRegistry.create();
  private final RouteResolver resolver = RouteResolver.firstMatch(
      sessions.routes(),
      plugins.routes(),
      PathPrefixRoutes.builder()
          .route("/echo", "ws://127.0.0.1:9100")
          .route("/", "ws://127.0.0.1:9200/fallback")
          .build());

  RoutingCompositionTest() {
    sessions.register(Session.builder().id("abc").host("10.0.0.5")
        .expose(9001).expose(9002, "/api").build());
    plugins.register(Backend.of("web-terminal", 9003));
  }

  @Test
  void eachFamilyOfPathsReachesItsOwnUpstream() {
    assertEquals("ws://10.0.0.5:9001/", upstream(resolver, "/s/abc/ws"));
    assertEquals("ws://10.0.0.5:9002/api/x?y=1", upstream(resolver, "/s/abc/ws/api/x?y=1"));
    assertEquals("ws://127.0.0.1:9003/ws", upstream(resolver, "/plugin-ws/web-terminal"));
    assertEquals("ws://127.0.0.1:9100/room?id=7", upstream(resolver, "/echo/room?id=7"));
    assertEquals("ws://127.0.0.1:9200/fallback/other", upstream(resolver, "/other"));
  }

  @Test
  void aRefusalStopsTheChainInsteadOfFallingThroughToTheCatchAll() {
    assertSame(SessionRoutes.SESSION_NOT_FOUND, resolve(resolver, "/s/nosuch/ws"));
    assertEquals("Plugin not running", ((io.wsproxy.Rejection) resolve(resolver,
        "/plugin-ws/nosuch")).reason());
    assertEquals("Invalid plugin name", ((io.wsproxy.Rejection) resolve(resolver,
        "/plugin-ws/%2e%2e")).reason());
  }

  @Test
  void pathsNoResolverClaimsAreNoMatch() {
    RouteResolver noCatchAll = RouteResolver.firstMatch(sessions.routes(), plugins.routes(),
        PathPrefixRoutes.builder().route("/echo", "ws://127.0.0.1:9100").build());
    assertSame(RouteResult.NO_MATCH, resolve(noCatchAll, "/other"));
    assertSame(RouteResult.NO_MATCH, resolve(noCatchAll, "/s/abc"));
  }
}
