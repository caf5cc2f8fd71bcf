package io.wsproxy.routing;

import static io.wsproxy.routing.Requests.resolve;
import static io.wsproxy.routing.Requests.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Rejection;
import io.wsproxy.RouteResult;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortResolverTest {

  private final PortResolver scopedOnly = PortResolver.builder().host("10.0.0.5")
      .expose(9002, "/api").expose(9003, "/api/v2").expose(9004, "/term").build();

  private final PortResolver withDefault = scopedOnly.toBuilder().expose(9001).build();

  @ParameterizedTest
  @CsvSource({
      "/api, 9002", "/api/, 9002", "/api/x, 9002", "/api/v2, 9003", "/api/v2/, 9003",
      "/api/v2/x/y, 9003", "/api/v20, 9002", "/term, 9004", "/term/1, 9004"})
  void picksTheLongestPrefixOnASegmentBoundary(String path, int port) {
    assertEquals(port, scopedOnly.select(path).orElseThrow().port(), path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/apix", "/ap", "/", "", "/terminal", "/x/api", "/API"})
  void refusesAPathNoPrefixServesWhenThereIsNoDefault(String path) {
    assertEquals(Optional.empty(), scopedOnly.select(path), path);
    assertSame(RouteResult.NO_MATCH, scopedOnly.route(path, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/apix", "/", "", "/terminal", "/x/api"})
  void fallsBackOnlyToTheDefaultExposure(String path) {
    assertEquals(9001, withDefault.select(path).orElseThrow().port(), path);
  }

  @Test
  void neverFallsBackToTheFirstPort() {
    PortResolver r = PortResolver.builder().host("10.0.0.5").expose(9001, "/app")
        .expose(9002, "/api").build();
    assertSame(RouteResult.NO_MATCH, resolve(r, "/other"));
  }

  @Test
  void slashPrefixIsTheDefault() {
    PortResolver r = PortResolver.builder().host("10.0.0.5").expose(9002, "/api")
        .expose(Exposure.of(9001, "/")).build();
    assertEquals(9001, r.select("/anything").orElseThrow().port());
    assertTrue(Exposure.of(9001, null).isDefault());
    assertTrue(Exposure.of(9001, "").isDefault());
  }

  @Test
  void keepsThePrefixAndTheQueryUpstream() {
    assertEquals("ws://10.0.0.5:9002/api/users?x=1&y=%20", upstream(withDefault, "/api/users?x=1&y=%20"));
    assertEquals("ws://10.0.0.5:9001/", upstream(withDefault, "/"));
    assertEquals("ws://10.0.0.5:9003/api/v2/", upstream(withDefault, "/api/v2/"));
  }

  @Test
  void dialsTlsAndIpv6HostsWhenConfigured() {
    PortResolver r = PortResolver.builder().host("::1").tls(true).expose(8443).build();
    assertEquals("wss://[::1]:8443/x", upstream(r, "/x"));
    assertEquals("[::1]", r.host());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/../admin", "/api/%2e%2e/admin", "/api/%2E%2E/admin",
      "/api/..%2fadmin", "/api%2f..", "/api%5c..", "/api/%252e%252e/admin"})
  void refusesTraversal(String path) {
    Rejection r = (Rejection) resolve(withDefault, path);
    assertEquals(400, r.httpStatus());
    assertEquals(4400, r.closeCode());
  }

  @Test
  void offersTheConfiguredSubprotocols() {
    PortResolver r = PortResolver.builder().host("h").expose(1).subprotocols(List.of("vite-hmr"))
        .build();
    assertEquals(List.of("vite-hmr"), Requests.route(r, "/").subprotocols());
  }

  @Test
  void rejectsBadConfigurationNamingTheField() {
    assertEquals("port must be 1..65535: 0",
        assertThrows(IllegalArgumentException.class, () -> Exposure.of(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Exposure.of(70000));
    for (String bad : new String[] {"api", "/api/../x", "/a%2fb", "/a b", "/a?x", "//a"}) {
      assertThrows(IllegalArgumentException.class, () -> Exposure.of(1, bad), bad);
    }
    PortResolver.Builder b = PortResolver.builder().host("h").expose(1, "/api");
    IllegalArgumentException twice =
        assertThrows(IllegalArgumentException.class, () -> b.expose(2, "/api/"));
    assertTrue(twice.getMessage().startsWith("exposures:"), twice.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PortResolver.builder().host("h").expose(1).expose(2, "/"));
    for (String bad : new String[] {"http://h", "h:80", "h/x", "", "a b", "user@h"}) {
      assertThrows(IllegalArgumentException.class, () -> PortResolver.builder().host(bad), bad);
    }
    assertEquals("host is required: the address of the exposed ports",
        assertThrows(IllegalStateException.class,
            () -> PortResolver.builder().expose(1).build()).getMessage());
    assertThrows(IllegalStateException.class, () -> PortResolver.builder().host("h").build());
    assertThrows(IllegalArgumentException.class,
        () -> PortResolver.builder().subprotocols(List.of("a b")));
  }

  @Test
  void routesCarryTheConfiguredUpstreamFailureCodeAndABadOneIsRefusedNamingTheField() {
    PortResolver ports = PortResolver.builder().host("127.0.0.1").expose(9001)
        .upstreamFailureCloseCode(4502).build();
    assertEquals(4502, Requests.route(ports, "/x").upstreamFailureCloseCode());
    assertEquals(4502, ports.toBuilder().build().upstreamFailureCloseCode(), "toBuilder keeps it");
    assertEquals(null, Requests.route(PortResolver.builder().host("127.0.0.1").expose(9001)
        .build(), "/x").upstreamFailureCloseCode());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PortResolver.builder().upstreamFailureCloseCode(1006));
    assertEquals("upstreamFailureCloseCode cannot be sent on the wire: 1006", e.getMessage());
  }
}
