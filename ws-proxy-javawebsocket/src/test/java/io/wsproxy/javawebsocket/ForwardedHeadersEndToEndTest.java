package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.AuthValidator;
import io.wsproxy.Route;
import io.wsproxy.TrustedProxies;
import io.wsproxy.WebSocketProxy;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Forwarding, identity and principal headers over real sockets (issue 3), through both upstream
 * connectors where the headers they send matter. Every client here connects from 127.0.0.1, so a
 * proxy trusting {@code 10.0.0.0/8} sees an untrusted peer and one trusting {@code 127.0.0.0/8} a
 * trusted one.
 */
class ForwardedHeadersEndToEndTest {

  private static final String IDENTITY = "X-Auth-User";
  private static final String PRINCIPAL = "X-Forwarded-User";
  private static final String TOKEN = "forwarded-test-token-0123";

  /** Headers a client forges to pass for someone else, from somewhere else. */
  private static final String[] SPOOFED = {
      "X-Forwarded-For: 6.6.6.6",
      "X-Forwarded-Proto: https",
      "X-Forwarded-Host: evil.example",
      "X-Forwarded-Port: 443",
      "X-Forwarded-Prefix: /admin",
      "X-Forwarded-Server: evil",
      "X-Real-IP: 6.6.6.6",
      "Forwarded: for=6.6.6.6;proto=https",
      IDENTITY + ": admin",
      PRINCIPAL + ": admin",
      "X-Custom: kept"};

  @ParameterizedTest
  @EnumSource(E2eProxy.Connector.class)
  void dropsSpoofedForwardingAndIdentityHeadersFromAnUntrustedPeerAndSetsItsOwn(
      E2eProxy.Connector connector) throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .trustedProxies(TrustedProxies.of("10.0.0.0/8"))
            .identityHeaders(IDENTITY)
            .principalHeader(PRINCIPAL)
            .limits(E2eProxy.limits().build()), connector)) {
      assertEquals(101, proxy.raw("/echo", SPOOFED).status());

      E2eBackend.Seen seen = upstream.nextHandshake();
      assertEquals("127.0.0.1", seen.header("X-Forwarded-For"));
      assertEquals("http", seen.header("X-Forwarded-Proto"));
      assertEquals("127.0.0.1:" + proxy.port(), seen.header("X-Forwarded-Host"));
      for (String dropped : List.of("X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server",
          "X-Real-IP", "Forwarded", IDENTITY, PRINCIPAL)) {
        assertNull(seen.header(dropped), dropped + " from an untrusted peer reached the upstream");
      }
      assertEquals("kept", seen.header("X-Custom"));
    }
  }

  @ParameterizedTest
  @EnumSource(E2eProxy.Connector.class)
  void appendsToATrustedProxysChainAndBelievesItsIdentityHeader(E2eProxy.Connector connector)
      throws Exception {
    TrustedProxies loopback = TrustedProxies.of("127.0.0.0/8");
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            // the principal is visible to the resolver: it picks the upstream path by user
            .routes((request, principal) ->
                Route.to(URI.create(upstream.url("/user/" + principal.name()))))
            .trustedProxies(loopback)
            .identityHeaders(IDENTITY)
            .authValidator(AuthValidator.identityHeader(IDENTITY, loopback))
            .principalHeader(PRINCIPAL)
            .limits(E2eProxy.limits().build()), connector)) {
      JdkClient client = proxy.jdk("/anything", headers(
          "X-Forwarded-For", "203.0.113.7",
          "X-Forwarded-Proto", "https",
          "X-Forwarded-Host", "app.example.com",
          "Forwarded", "for=203.0.113.7;proto=https",
          IDENTITY, "alice",
          PRINCIPAL, "mallory"));
      assertEquals("up:hi", E2eProxy.roundTrip(client, "hi"));

      E2eBackend.Seen seen = upstream.nextHandshake();
      assertEquals("/user/alice", seen.target());
      assertEquals("203.0.113.7, 127.0.0.1", seen.header("X-Forwarded-For"));
      assertEquals("https", seen.header("X-Forwarded-Proto"));
      assertEquals("app.example.com", seen.header("X-Forwarded-Host"));
      assertEquals("for=203.0.113.7;proto=https, for=127.0.0.1;proto=http",
          seen.header("Forwarded"));
      assertEquals("alice", seen.header(IDENTITY));
      assertEquals("alice", seen.header(PRINCIPAL), "the client's copy is replaced");
    }
  }

  @Test
  void refusesAnIdentityHeaderFromAnUntrustedPeerWithoutDialling() throws Exception {
    TrustedProxies vpn = TrustedProxies.of("10.0.0.0/8");
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .trustedProxies(vpn)
            .identityHeaders(IDENTITY)
            .authValidator(AuthValidator.identityHeader(IDENTITY, vpn))
            .limits(E2eProxy.limits().build()))) {
      assertEquals(E2eRawClient.Answer.http(401, "Identity header not accepted from this peer"),
          proxy.answer("/echo", IDENTITY + ": alice", "X-Forwarded-For: 10.1.2.3"));
      assertEquals(0, upstream.tcpConnections());
    }
  }

  @Test
  void sendsTheBearerPrincipalUpstreamInsteadOfTheClientsCopyAndNeverTheToken()
      throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .authValidator(AuthValidator.bearerTokens(TOKEN))
            .principalHeader(PRINCIPAL)
            .limits(E2eProxy.limits().build()))) {
      JdkClient client = proxy.jdk("/echo",
          headers("Authorization", "Bearer " + TOKEN, PRINCIPAL, "admin"));
      assertEquals("up:hi", E2eProxy.roundTrip(client, "hi"));

      E2eBackend.Seen seen = upstream.nextHandshake();
      assertEquals("token-1", seen.header(PRINCIPAL));
      assertNull(seen.header("Authorization"));
    }
  }

  @Test
  void neverForwardsHeadersTheClientNamesInConnection() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .limits(E2eProxy.limits().build()))) {
      assertEquals(101, proxy.raw("/echo", "Connection: Upgrade, X-Hop", "X-Hop: secret",
          "Keep-Alive: timeout=5", "X-End-To-End: kept").status());

      E2eBackend.Seen seen = upstream.nextHandshake();
      assertNull(seen.header("X-Hop"));
      assertNull(seen.header("Keep-Alive"));
      assertEquals("kept", seen.header("X-End-To-End"));
    }
  }

  @ParameterizedTest
  @EnumSource(E2eProxy.Connector.class)
  void crLfAndNulInRequestsNeverBecomeUpstreamHeaders(E2eProxy.Connector connector)
      throws Exception {
    List<List<String>> attempts = List.of(
        List.of("X-A: one\rX-Injected: 1"),      // bare CR
        List.of("X-A: one\nX-Injected: 1"),      // bare LF
        List.of("X-A: one\0X-Injected: 1"),      // NUL
        List.of("X-A: one", " X-Injected: 1"));  // a folded line
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .limits(E2eProxy.limits().build()), connector)) {
      assertEquals(E2eProxy.each(attempts,
              request -> E2eRawClient.Answer.http(400, "Malformed upgrade request")),
          proxy.answers("/echo", attempts));
      // a line without a colon: Java-WebSocket refuses it itself, with its own 404 page
      int noColon = proxy.raw("/echo", "X-A\r\nX-Injected: 1").status();
      assertTrue(noColon >= 400 && noColon < 500, "answered " + noColon);
      assertEquals(0, upstream.tcpConnections());

      // encoded CR LF in the target stays encoded: the upstream gets it in its URL, not a header
      JdkClient client = proxy.jdk("/echo/%0d%0aX-Injected:%201?q=%0d%0aX-Injected:%202");
      assertEquals("up:ok", E2eProxy.roundTrip(client, "ok"));
      E2eBackend.Seen seen = upstream.nextHandshake();
      assertEquals("/%0d%0aX-Injected:%201?q=%0d%0aX-Injected:%202", seen.target());
      assertFalse(seen.headers().containsKey("x-injected"), seen.headers().toString());
    }
  }

  private static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }
}
