package io.wsproxy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublicUrlsTest {

  private final Session session = Session.builder().id("abc").host("10.0.0.5")
      .expose(5173).expose(8080, "/api").build();

  @Test
  void generatesSecurePathAndSubdomainUrlsForEveryExposure() {
    PublicUrls urls = PublicUrls.builder().publicDomain("Sandbox.Example.com").build();
    ExposedUrls exposed = urls.forSession(session);

    assertEquals("abc", exposed.sessionId());
    ExposedUrls.Exposed dflt = exposed.forPort(5173).orElseThrow();
    assertEquals("wss://sandbox.example.com/s/abc/ws/", dflt.path().ws().toString());
    assertEquals("https://sandbox.example.com/s/abc/ws/", dflt.path().http().toString());
    assertEquals("wss://s-abc.sandbox.example.com/", dflt.subdomain().ws().toString());
    assertEquals("https://s-abc.sandbox.example.com/", dflt.subdomain().http().toString());

    ExposedUrls.Exposed api = exposed.forPrefix("/api").orElseThrow();
    assertEquals(8080, api.exposure().port());
    assertEquals("wss://sandbox.example.com/s/abc/ws/api", api.path().ws().toString());
    assertEquals("https://sandbox.example.com/s/abc/ws/api", api.path().http().toString());
    assertEquals("wss://s-abc.sandbox.example.com/api", api.subdomain().ws().toString());
    assertEquals("https://s-abc.sandbox.example.com/api", api.subdomain().http().toString());
  }

  @Test
  void generatesPlainSchemesWithAPortAndACustomPatternWhenConfigured() {
    PublicUrls urls = PublicUrls.builder().publicDomain("dev.local:8080").secure(false)
        .pathPattern("/sandbox/{sessionId}").subdomainPrefix("box-").build();
    ExposedUrls.Exposed api = urls.forSession(session).forPort(8080).orElseThrow();
    assertEquals("ws://dev.local:8080/sandbox/abc/api", api.path().ws().toString());
    assertEquals("http://dev.local:8080/sandbox/abc/api", api.path().http().toString());
    assertEquals("ws://box-abc.dev.local:8080/api", api.subdomain().ws().toString());
    assertEquals("http://box-abc.dev.local:8080/api", api.subdomain().http().toString());
  }

  @Test
  void generatedUrlsRouteBackToTheSessionsPorts() {
    SessionRegistry registry = SessionRegistry.create(
        PublicUrls.builder().publicDomain("sandbox.example.com").build());
    RegisteredSession s = registry.register(session);
    SessionRoutes routes = registry.routes();
    for (ExposedUrls.Exposed e : s.urls().urls()) {
      for (java.net.URI u : List.of(e.path().ws(), e.subdomain().ws())) {
        io.wsproxy.Route r = (io.wsproxy.Route) routes.resolve(
            Requests.request(u.getRawPath(), u.getAuthority()), io.wsproxy.Principal.ANONYMOUS);
        assertEquals(e.exposure().port(), r.upstream().getPort(), u.toString());
      }
    }
  }

  @Test
  void leavesSubdomainUrlsOutWhenTheyCannotWork() {
    Session upper = Session.builder().id("ABC_1").host("h").expose(1).build();
    PublicUrls urls = PublicUrls.builder().publicDomain("sandbox.example.com").build();
    ExposedUrls.Exposed e = urls.forSession(upper).urls().get(0);
    assertNull(e.subdomain(), "browsers lower-case hosts and refuse '_'");
    assertEquals("wss://sandbox.example.com/s/ABC_1/ws/", e.path().ws().toString());

    PublicUrls ip = PublicUrls.builder().publicDomain("203.0.113.7:8443").build();
    assertNull(ip.forSession(session).urls().get(0).subdomain());
    assertEquals("wss://203.0.113.7:8443/s/abc/ws/",
        ip.forSession(session).urls().get(0).path().ws().toString());

    PublicUrls off = PublicUrls.builder().publicDomain("d.example").subdomains(false).build();
    assertNull(off.forSession(session).urls().get(0).subdomain());
  }

  @Test
  void missingPublicDomainIsAClearErrorNotLocalhost() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> PublicUrls.builder().build());
    assertTrue(e.getMessage().startsWith("publicDomain is required"), e.getMessage());
    assertTrue(e.getMessage().contains("localhost"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://sandbox.example.com", "sandbox.example.com/app",
      "sandbox.example.com?x", "user@sandbox.example.com", "", " ", "sandbox.example.com:0",
      "sandbox.example.com:70000", "sandbox.example.com:", "sand box.example.com", "-a.example.com",
      "a..example.com"})
  void refusesADomainWithSchemePathOrBadPort(String domain) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PublicUrls.builder().publicDomain(domain));
    assertTrue(e.getMessage().startsWith("publicDomain"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sandbox.example.com", "sandbox.example.com:8443", "localhost:3000",
      "203.0.113.7", "[2001:db8::1]:443"})
  void acceptsAHostWithAnOptionalPort(String domain) {
    assertEquals(domain.toLowerCase(java.util.Locale.ROOT),
        PublicUrls.builder().publicDomain(domain).build().publicDomain());
  }

  @Test
  void urlsAreFrozenAtRegistration() {
    SessionRegistry registry = SessionRegistry.create(
        PublicUrls.builder().publicDomain("sandbox.example.com").build());
    ExposedUrls first = registry.register(session).urls();
    registry.register(session.toBuilder().exposures(List.of(Exposure.of(9999))).build());
    assertEquals(2, first.urls().size());
    assertEquals(5173, first.urls().get(0).exposure().port());
    assertThrows(UnsupportedOperationException.class, () -> first.urls().clear());
    assertEquals(9999, registry.get("abc").orElseThrow().urls().urls().get(0).exposure().port());
  }
}
