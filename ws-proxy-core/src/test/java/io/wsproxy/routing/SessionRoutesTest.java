package io.wsproxy.routing;

import static io.wsproxy.routing.Requests.request;
import static io.wsproxy.routing.Requests.resolve;
import static io.wsproxy.routing.Requests.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wsproxy.ConnectionGroup;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.RouteResult;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionRoutesTest {

  private final Session abc = Session.builder().id("abc").host("10.0.0.5")
      .expose(9001).expose(9002, "/api").build();
  private final Session owned = Session.builder().id("owned").host("10.0.0.6")
      .expose(9001).access(SessionAccess.ownedBy("alice")).build();
  private final Map<String, Session> store = Map.of("abc", abc, "owned", owned);
  private final SessionRoutes routes =
      SessionRoutes.builder(id -> Optional.ofNullable(store.get(id))).build();

  @Test
  void forwardsThePathAfterThePatternAndTheRawQuery() {
    assertEquals("ws://10.0.0.5:9001/", upstream(routes, "/s/abc/ws"));
    assertEquals("ws://10.0.0.5:9001/", upstream(routes, "/s/abc/ws/"));
    assertEquals("ws://10.0.0.5:9001/hmr?token=a%20b&x", upstream(routes, "/s/abc/ws/hmr?token=a%20b&x"));
    assertEquals("ws://10.0.0.5:9002/api/v1?q=1", upstream(routes, "/s/abc/ws/api/v1?q=1"));
    assertEquals("ws://10.0.0.5:9001/apix", upstream(routes, "/s/abc/ws/apix"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/s", "/s/abc", "/s/abc/", "/s/abc/wsx", "/s/abc/other/ws",
      "/plugin-ws/x", "/sx/abc/ws"})
  void leavesPathsOutsideThePatternToOtherResolvers(String path) {
    assertSame(RouteResult.NO_MATCH, resolve(routes, path));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/s//ws", "/s/a.b/ws", "/s/../ws", "/s/./ws/x", "/s/%2e%2e/ws", "/s/a%2fb/ws",
      "/s/a%20b/ws/x", "/s/a%5cb/ws"})
  void refusesInvalidSessionIdsWith4400(String path) {
    assertSame(SessionRoutes.INVALID_SESSION_ID, resolve(routes, path));
    assertEquals(400, SessionRoutes.INVALID_SESSION_ID.httpStatus());
    assertEquals(4400, SessionRoutes.INVALID_SESSION_ID.closeCode());
  }

  @Test
  void refusesOverlongSessionIds() {
    String id = "a".repeat(Session.MAX_ID_LENGTH + 1);
    assertSame(SessionRoutes.INVALID_SESSION_ID, resolve(routes, "/s/" + id + "/ws"));
    assertSame(SessionRoutes.SESSION_NOT_FOUND,
        resolve(routes, "/s/" + "a".repeat(Session.MAX_ID_LENGTH) + "/ws"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/s/abc/ws/..", "/s/abc/ws/../../etc", "/s/abc/ws/%2e%2e/x",
      "/s/abc/ws/%2E%2E/x", "/s/abc/ws/..%2f..%2fetc", "/s/abc/ws/a%2fb", "/s/abc/ws/a%5cb",
      "/s/abc/ws/%252e%252e/x", "/s/abc/ws/api/%2e", "/s/nosuch/ws/%2e%2e"})
  void refusesTraversalBeforeAnyLookup(String path) {
    assertSame(SessionRoutes.INVALID_PATH, resolve(routes, path));
  }

  @Test
  void unknownAndForbiddenSessionsGetTheIdenticalAnswer() {
    RouteResult unknown = routes.resolve(request("/s/nosuch/ws/x"), Principal.of("bob"));
    RouteResult forbidden = routes.resolve(request("/s/owned/ws/x"), Principal.of("bob"));
    RouteResult anonymous = routes.resolve(request("/s/owned/ws/x"), Principal.ANONYMOUS);
    Rejection u = assertInstanceOf(Rejection.class, unknown);
    assertEquals(u, forbidden);
    assertEquals(u, anonymous);
    assertEquals(404, u.httpStatus());
    assertEquals(4404, u.closeCode());
    assertEquals("Session not found", u.reason());
    Route allowed = assertInstanceOf(Route.class,
        routes.resolve(request("/s/owned/ws/x"), Principal.of("alice")));
    assertEquals("ws://10.0.0.6:9001/x", allowed.upstream().toString());
  }

  @Test
  void anAccessCheckThatThrowsDeniesLikeAnUnknownSession() {
    Session boom = Session.builder().id("boom").host("h").expose(1)
        .access(p -> { throw new IllegalStateException("store down"); }).build();
    SessionRoutes r = SessionRoutes.builder(id -> Optional.of(boom)).build();
    assertSame(SessionRoutes.SESSION_NOT_FOUND, resolve(r, "/s/boom/ws"));
  }

  @Test
  void aPathNoExposureServesIsRefusedNotSentToTheFirstPort() {
    Session scoped = Session.builder().id("scoped").host("h").expose(9002, "/api").build();
    SessionRoutes r = SessionRoutes.builder(id -> Optional.of(scoped)).build();
    assertSame(SessionRoutes.NO_EXPOSED_PORT, resolve(r, "/s/scoped/ws/other"));
    assertEquals(404, SessionRoutes.NO_EXPOSED_PORT.httpStatus());
    assertEquals("ws://h:9002/api", upstream(r, "/s/scoped/ws/api"));
  }

  @Test
  void theUpstreamHostComesFromTheSessionNeverTheRequest() {
    Route r = Requests.route(routes, "/s/abc/ws/@evil.example:80/x");
    assertEquals("10.0.0.5", r.upstream().getHost());
    assertEquals(9001, r.upstream().getPort());
    RouteResult viaHost = routes.resolve(request("/s/abc/ws/x", "evil.example"),
        Principal.ANONYMOUS);
    assertEquals("10.0.0.5", ((Route) viaHost).upstream().getHost());
  }

  @Test
  void carriesTheSessionsGroupWhenItHasOne() {
    ConnectionGroup group = new ConnectionGroup();
    Session s = abc.toBuilder().connections(group).build();
    SessionRoutes r = SessionRoutes.builder(id -> Optional.of(s)).build();
    assertSame(group, Requests.route(r, "/s/abc/ws").group());
    assertNull(Requests.route(routes, "/s/abc/ws").group());
  }

  @Test
  void usesAConfiguredPattern() {
    SessionRoutes r = SessionRoutes.builder(id -> Optional.ofNullable(store.get(id)))
        .pattern("/sandbox/{sessionId}").build();
    assertEquals("ws://10.0.0.5:9002/api", upstream(r, "/sandbox/abc/api"));
    assertEquals("ws://10.0.0.5:9001/", upstream(r, "/sandbox/abc"));
    assertSame(RouteResult.NO_MATCH, resolve(r, "/s/abc/ws"));
    assertEquals("/sandbox/{sessionId}", r.pattern());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/s/ws", "s/{sessionId}", "/s/x{sessionId}/ws", "/s/{sessionId}x",
      "/s/{sessionId}/{sessionId}", "/s/{sessionId}/../ws", "/s//{sessionId}", "/s/{id}/ws",
      "/s/{sessionId}/w s"})
  void refusesBadPatterns(String pattern) {
    SessionRoutes.Builder b = SessionRoutes.builder(id -> Optional.empty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.pattern(pattern));
    assertEquals("pattern", e.getMessage().split(" ")[0]);
  }

  @Test
  void routesSubdomainStyleHostsOfItsPublicUrls() {
    PublicUrls urls = PublicUrls.builder().publicDomain("sandbox.example.com").build();
    SessionRoutes r = SessionRoutes.builder(id -> Optional.ofNullable(store.get(id)))
        .publicUrls(urls).build();
    Route api = (Route) r.resolve(request("/api/x?q=1", "s-abc.sandbox.example.com:443"),
        Principal.ANONYMOUS);
    assertEquals("ws://10.0.0.5:9002/api/x?q=1", api.upstream().toString());
    Route root = (Route) r.resolve(request("/", "S-ABC.Sandbox.Example.com"), Principal.ANONYMOUS);
    assertEquals("ws://10.0.0.5:9001/", root.upstream().toString());
    assertSame(SessionRoutes.SESSION_NOT_FOUND,
        r.resolve(request("/", "s-nosuch.sandbox.example.com"), Principal.ANONYMOUS));
    assertSame(SessionRoutes.INVALID_PATH,
        r.resolve(request("/%2e%2e/x", "s-abc.sandbox.example.com"), Principal.ANONYMOUS));
    // other hosts fall back to the path pattern
    assertSame(RouteResult.NO_MATCH,
        r.resolve(request("/api", "sandbox.example.com"), Principal.ANONYMOUS));
    assertSame(RouteResult.NO_MATCH,
        r.resolve(request("/api", "s-abc.other.example.com"), Principal.ANONYMOUS));
    assertSame(RouteResult.NO_MATCH,
        r.resolve(request("/api", "x.s-abc.sandbox.example.com"), Principal.ANONYMOUS));
    assertEquals("ws://10.0.0.5:9002/api",
        upstream(r, "/s/abc/ws/api"));
  }

  @Test
  void refusesAPatternThatDiffersFromThePublicUrls() {
    PublicUrls urls = PublicUrls.builder().publicDomain("d.example").build();
    SessionRoutes.Builder b = SessionRoutes.builder(id -> Optional.empty()).publicUrls(urls)
        .pattern("/x/{sessionId}");
    assertThrows(IllegalStateException.class, b::build);
  }
}
