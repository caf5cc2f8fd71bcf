package io.wsproxy.internal;

import static io.wsproxy.security.internal.Handshakes.builder;
import static io.wsproxy.security.internal.Handshakes.from;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Principal;
import io.wsproxy.TrustedProxies;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {

  private static final ForwardedHeaders.Policy POLICY = ForwardedHeaders.Policy
      .of(TrustedProxies.of("10.0.0.0/8", "::1"))
      .withIdentityHeaders(Set.of("Tailscale-User-Login"))
      .withPrincipalHeader("X-Forwarded-User");

  private static final String[] SPOOFED = {
      "X-Forwarded-For", "6.6.6.6", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "bank.test",
      "X-Forwarded-Port", "443", "X-Forwarded-Prefix", "/admin", "X-Real-IP", "6.6.6.6",
      "Forwarded", "for=6.6.6.6", "Tailscale-User-Login", "admin@example.com",
      "X-Forwarded-User", "admin", "Host", "app.test", "X-Custom", "kept"};

  private static Headers upstream(HandshakeRequest r, Principal p) {
    return ForwardedHeaders.normalise(ForwardedHeaders.dropUntrusted(r, POLICY), POLICY, p)
        .upstreamHeaders();
  }

  @Test
  void dropsSpoofedForwardingAndIdentityHeadersFromAnUntrustedPeer() {
    HandshakeRequest r = from("203.0.113.9", SPOOFED);
    HandshakeRequest seen = ForwardedHeaders.dropUntrusted(r, POLICY);
    assertEquals(Set.of("Host", "X-Custom"), seen.headers().names());

    Headers up = upstream(r, Principal.ANONYMOUS);
    assertEquals(List.of("203.0.113.9"), up.all("X-Forwarded-For"));
    assertEquals(List.of("http"), up.all("X-Forwarded-Proto"));
    assertEquals(List.of("app.test"), up.all("X-Forwarded-Host"));
    for (String name : List.of("X-Forwarded-Port", "X-Forwarded-Prefix", "X-Real-IP", "Forwarded",
        "Tailscale-User-Login", "X-Forwarded-User", "Host")) {
      assertFalse(up.contains(name), name);
    }
    assertEquals(List.of("kept"), up.all("X-Custom"));
    assertEquals("203.0.113.9",
        ForwardedHeaders.normalise(r, POLICY, Principal.ANONYMOUS).clientAddress());
  }

  @Test
  void dropsHeadersWhateverTheCaseOfTheirNames() {
    HandshakeRequest r = from("203.0.113.9", "x-FORWARDED-for", "6.6.6.6", "TAILSCALE-user-LOGIN",
        "admin@example.com", "x-forwarded-USER", "admin", "x-real-ip", "6.6.6.6",
        "Connection", "keep-alive, X-Hop", "x-HOP", "hop", "keep-ALIVE", "5", "proxy-authorization",
        "Basic eA==", "host", "app.test", "x-custom", "kept");
    assertEquals(Set.of("Connection", "x-HOP", "keep-ALIVE", "proxy-authorization", "host",
        "x-custom"), ForwardedHeaders.dropUntrusted(r, POLICY).headers().names());
    Headers up = upstream(r, Principal.ANONYMOUS);
    assertEquals(Set.of("x-custom", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"),
        up.names());
    assertEquals(List.of("203.0.113.9"), up.all("X-Forwarded-For"));
    assertThrows(IllegalArgumentException.class,
        () -> POLICY.withPrincipalHeader("x-forwarded-FOR"), "a forwarding header in any case");
  }

  @Test
  void keepsAndAppendsToATrustedPeersChain() {
    HandshakeRequest r = from("10.0.0.1", SPOOFED);
    assertSame(r, ForwardedHeaders.dropUntrusted(r, POLICY));
    ForwardedHeaders.Result result = ForwardedHeaders.normalise(r, POLICY, Principal.ANONYMOUS);
    Headers up = result.upstreamHeaders();
    assertEquals("6.6.6.6", result.clientAddress());
    assertEquals(List.of("6.6.6.6, 10.0.0.1"), up.all("X-Forwarded-For"));
    assertEquals(List.of("https"), up.all("X-Forwarded-Proto"));
    assertEquals(List.of("bank.test"), up.all("X-Forwarded-Host"));
    assertEquals(List.of("443"), up.all("X-Forwarded-Port"));
    assertEquals(List.of("for=6.6.6.6, for=10.0.0.1;proto=http"), up.all("Forwarded"));
    assertEquals(List.of("admin@example.com"), up.all("Tailscale-User-Login"));
    assertFalse(up.contains("X-Forwarded-User"), "anonymous: no principal header");
  }

  @Test
  void computesTheClientBehindSeveralTrustedHops() {
    HandshakeRequest r = from("10.0.0.1", "X-Forwarded-For", "6.6.6.6, 198.51.100.7",
        "X-Forwarded-For", "10.2.2.2");
    assertEquals("198.51.100.7",
        ForwardedHeaders.normalise(r, POLICY, Principal.ANONYMOUS).clientAddress());
    assertEquals(List.of("6.6.6.6, 198.51.100.7, 10.2.2.2, 10.0.0.1"),
        upstream(r, Principal.ANONYMOUS).all("X-Forwarded-For"));
  }

  @Test
  void writesIpv6PeersWithoutScopeAndQuotedInForwarded() {
    HandshakeRequest r = from("::1", "Forwarded", "for=1.2.3.4");
    Headers up = upstream(r, Principal.ANONYMOUS);
    assertEquals(List.of("0:0:0:0:0:0:0:1"), up.all("X-Forwarded-For"));
    assertEquals(List.of("for=1.2.3.4, for=\"[0:0:0:0:0:0:0:1]\";proto=http"), up.all("Forwarded"));
  }

  @Test
  void replacesAnyClientCopyOfThePrincipalHeader() {
    Headers up = upstream(from("10.0.0.1", "X-Forwarded-User", "admin"), Principal.of("alice"));
    assertEquals(List.of("alice"), up.all("X-Forwarded-User"));
    Headers untrusted = upstream(from("203.0.113.9", "x-forwarded-user", "admin"),
        Principal.of("bob"));
    assertEquals(List.of("bob"), untrusted.all("X-Forwarded-User"));
  }

  @Test
  void dropsHeadersNamedInConnectionExceptTheOnesTheProxySets() {
    HandshakeRequest r = from("203.0.113.9", "Connection", "Upgrade, X-Secret, x-forwarded-for",
        "Connection", "Authorization", "X-Secret", "1", "Authorization", "Bearer abc",
        "Keep-Alive", "5", "Sec-WebSocket-Key", "k", "Sec-WebSocket-Protocol", "chat",
        "Upgrade", "websocket", "X-Custom", "kept");
    Headers up = upstream(r, Principal.of("alice"));
    assertEquals(Set.of("X-Custom", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-User"),
        up.names());
  }

  @Test
  void usesTheHostStringOfAnUnresolvedPeer() {
    HandshakeRequest r = HandshakeRequest.builder().path("/")
        .remoteAddress(java.net.InetSocketAddress.createUnresolved("peer.invalid", 1)).build();
    assertEquals("peer.invalid",
        ForwardedHeaders.normalise(r, POLICY, Principal.ANONYMOUS).clientAddress());
  }

  @Test
  void usesTheSecureFlagForTheProtoOfUntrustedPeers() {
    HandshakeRequest r = builder("203.0.113.9", "X-Forwarded-Proto", "http").secure(true).build();
    assertEquals(Optional.of("https"), upstream(r, Principal.ANONYMOUS).first("X-Forwarded-Proto"));
  }

  @Test
  void refusesInvalidPolicies() {
    TrustedProxies none = TrustedProxies.none();
    assertThrows(IllegalArgumentException.class,
        () -> new ForwardedHeaders.Policy(none, Set.of("Bad Name"), null));
    assertThrows(IllegalArgumentException.class,
        () -> ForwardedHeaders.Policy.of(none).withPrincipalHeader("X-Forwarded-For"));
    assertThrows(IllegalArgumentException.class,
        () -> ForwardedHeaders.Policy.of(none).withPrincipalHeader("Connection"));
    assertThrows(NullPointerException.class, () -> ForwardedHeaders.Policy.of(null));
    assertTrue(ForwardedHeaders.Policy.of(none).withIdentityHeaders(List.of("A-B"))
        .identityHeaders().contains("a-b"));
  }
}
