package io.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Repeated header fields can reach the proxy combined into one value — with "," (RFC 7230 3.2.2)
 * or "; " (Java-WebSocket 1.6.0) — and must still count as repeated.
 */
class CombinedHeaderFieldsTest {

  private static AuthResult validate(AuthValidator v, String peer, String... headers)
      throws Exception {
    HandshakeRequest r = HandshakeRequest.builder().path("/")
        .headers(Headers.of(headers)).remoteAddress(new InetSocketAddress(peer, 4000)).build();
    return v.validate(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void refusesTwoIdentitiesCombinedIntoOneValueFromATrustedProxy() throws Exception {
    AuthValidator v = AuthValidator.identityHeader("X-Auth-User", TrustedProxies.of("127.0.0.0/8"));
    for (String combined : new String[] {"admin; alice", "admin, alice", "admin;alice"}) {
      Rejection r = assertInstanceOf(Rejection.class,
          validate(v, "127.0.0.1", "X-Auth-User", combined), combined);
      assertEquals("Duplicate identity header", r.reason());
    }
    assertEquals("alice", ((Principal) validate(v, "127.0.0.1", "X-Auth-User", "alice")).name());
  }

  @Test
  void refusesTwoBearerCredentialsCombinedIntoOneValue() throws Exception {
    AuthValidator v = AuthValidator.bearerTokens("t0k3n");
    for (String combined : new String[] {"Bearer t0k3n; Bearer other", "Bearer a, Basic Zm9v"}) {
      Rejection r = assertInstanceOf(Rejection.class,
          validate(v, "10.0.0.1", "Authorization", combined), combined);
      assertEquals("Duplicate Authorization header", r.reason());
    }
    Rejection one = assertInstanceOf(Rejection.class,
        validate(v, "10.0.0.1", "Authorization", "Bearer a,b"));
    assertEquals("Malformed bearer token", one.reason(), "one credential with a comma is malformed");
  }
}
