package io.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

class PathPrefixRoutesTest {

  private final PathPrefixRoutes routes = PathPrefixRoutes.builder()
      .route("/api", "ws://127.0.0.1:9001/base")
      .route("/api/v2/", "ws://127.0.0.1:9002")
      .route("/q", "ws://127.0.0.1:9003/q?fixed=1")
      .build();

  private RouteResult resolve(String target) {
    HandshakeRequest r = HandshakeRequest.builder().target(target)
        .remoteAddress(new InetSocketAddress("127.0.0.1", 5)).build();
    return routes.resolve(r, Principal.ANONYMOUS);
  }

  private URI upstream(String target) {
    return ((Route) resolve(target)).upstream();
  }

  @Test
  void matchesExactPrefixAndStripsIt() {
    assertEquals(URI.create("ws://127.0.0.1:9001/base"), upstream("/api"));
    assertEquals(URI.create("ws://127.0.0.1:9001/base/x/y"), upstream("/api/x/y"));
    assertEquals(URI.create("ws://127.0.0.1:9001/base/"), upstream("/api/"));
  }

  @Test
  void matchesOnlyOnSegmentBoundaries() {
    assertSame(RouteResult.NO_MATCH, resolve("/apix"));
    assertSame(RouteResult.NO_MATCH, resolve("/"));
  }

  @Test
  void longestPrefixWinsAndTrailingSlashInConfigIsIgnored() {
    assertEquals(URI.create("ws://127.0.0.1:9002/"), upstream("/api/v2"));
    assertEquals(URI.create("ws://127.0.0.1:9002/z"), upstream("/api/v2/z"));
    assertEquals(URI.create("ws://127.0.0.1:9001/base/v22"), upstream("/api/v22"));
  }

  @Test
  void keepsTheRawQueryAndJoinsItWithTheUpstreamQuery() {
    assertEquals(URI.create("ws://127.0.0.1:9001/base/a?x=1&y=%20"), upstream("/api/a?x=1&y=%20"));
    assertEquals(URI.create("ws://127.0.0.1:9003/q/s?fixed=1&t=2"), upstream("/q/s?t=2"));
  }

  @Test
  void refusesTraversalPlainOrEncoded() {
    for (String t : new String[] {"/api/../admin", "/api/%2e%2e/admin", "/api/.%2E/x", "/api/./x",
        "/api/%252e%252e/x", "/api/a%2fb", "/api/a%5Cb", "/api/a%00"}) {
      RouteResult r = resolve(t);
      assertEquals(400, ((Rejection) r).httpStatus(), t);
    }
  }

  @Test
  void thePrefixItselfResolvesToOneRouteMadeOnceWithTheUpstreamsPathAndQuery() {
    assertEquals(URI.create("ws://127.0.0.1:9002/"), upstream("/api/v2"));
    assertSame(resolve("/api/v2"), resolve("/api/v2"));
    assertEquals(URI.create("ws://127.0.0.1:9003/q?fixed=1"), upstream("/q"));
    assertEquals(URI.create("ws://127.0.0.1:9003/q?fixed=1"), upstream("/q?"));
    assertEquals(URI.create("ws://127.0.0.1:9003/q?fixed=1&t=2"), upstream("/q?t=2"));
  }

  @Test
  void aPathAskedAgainGetsTheRouteMadeBeforeAndEveryOtherPathItsOwn() {
    Route first = (Route) resolve("/api/a?x=1");
    assertSame(first, resolve("/api/a?x=1"));
    // many other paths and queries through the same prefix: each resolves to its own upstream,
    // whichever remembered pair they displace
    for (int i = 0; i < 100; i++) {
      assertEquals(URI.create("ws://127.0.0.1:9001/base/p" + i + "?n=" + i),
          upstream("/api/p" + i + "?n=" + i));
      assertEquals(URI.create("ws://127.0.0.1:9001/base/p" + i), upstream("/api/p" + i));
    }
    assertEquals(URI.create("ws://127.0.0.1:9001/base/a?x=1"), upstream("/api/a?x=1"));
    assertEquals(URI.create("ws://127.0.0.1:9001/base/a?x=2"), upstream("/api/a?x=2"));
    assertEquals(URI.create("ws://127.0.0.1:9001/base/a"), upstream("/api/a"));
    // an invalid one is refused every time, not remembered as a route
    for (int i = 0; i < 2; i++) {
      assertEquals(400, ((Rejection) resolve("/api/a?x=%zz|")).httpStatus());
    }
  }

  @Test
  void rootPrefixMatchesEverything() {
    PathPrefixRoutes root = PathPrefixRoutes.builder().route("/", "ws://127.0.0.1:9/").build();
    HandshakeRequest r = HandshakeRequest.builder().target("/a/b?c")
        .remoteAddress(new InetSocketAddress("127.0.0.1", 5)).build();
    assertEquals(URI.create("ws://127.0.0.1:9/a/b?c"),
        ((Route) root.resolve(r, Principal.ANONYMOUS)).upstream());
  }

  @Test
  void refusesBadConfigurationNamingTheProblem() {
    assertThrows(IllegalArgumentException.class,
        () -> PathPrefixRoutes.builder().route("api", "ws://h:1"));
    assertThrows(IllegalArgumentException.class,
        () -> PathPrefixRoutes.builder().route("/a", "http://h:1"));
    assertThrows(IllegalArgumentException.class,
        () -> PathPrefixRoutes.builder().route("/a", "ws://h:1").route("/a/", "ws://h:2"));
    assertThrows(IllegalStateException.class, () -> PathPrefixRoutes.builder().build());
  }
}
