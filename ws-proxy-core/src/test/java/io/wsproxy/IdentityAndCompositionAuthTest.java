package io.wsproxy;

import static io.wsproxy.BearerAuthTest.TOKEN;
import static io.wsproxy.BearerAuthTest.validate;
import static io.wsproxy.security.internal.Handshakes.builder;
import static io.wsproxy.security.internal.Handshakes.from;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdentityAndCompositionAuthTest {

  private static final TrustedProxies VPN = TrustedProxies.of("100.64.0.0/10");
  private static final AuthValidator IDENTITY =
      AuthValidator.identityHeader("Tailscale-User-Login", VPN);

  private static Rejection assertRefused(AuthResult result, int status) {
    Rejection r = assertInstanceOf(Rejection.class, result);
    assertEquals(status, r.httpStatus());
    return r;
  }

  @Test
  void believesTheIdentityHeaderFromATrustedPeer() throws Exception {
    Principal p = assertInstanceOf(Principal.class, validate(IDENTITY,
        from("100.100.1.1", "tailscale-user-login", " alice@example.com ")));
    assertEquals("alice@example.com", p.name());
    assertEquals(Map.of("auth.method", "identity-header", "auth.source", "Tailscale-User-Login"),
        p.attributes());
  }

  @Test
  void refusesASpoofedIdentityHeaderFromAnUntrustedPeer() throws Exception {
    HandshakeRequest spoofed = from("203.0.113.9", "Tailscale-User-Login", "admin@example.com",
        "X-Forwarded-For", "100.100.1.1");
    assertRefused(validate(IDENTITY, spoofed), 401);
    assertFalse(IDENTITY.withoutCredentials(spoofed).headers().contains("Tailscale-User-Login"));
  }

  @Test
  void keepsTheIdentityHeaderOfATrustedPeer() {
    HandshakeRequest r = from("100.100.1.1", "Tailscale-User-Login", "alice@example.com");
    assertSame(r, IDENTITY.withoutCredentials(r));
  }

  @Test
  void refusesMissingRepeatedBlankOrOverlongIdentities() throws Exception {
    assertRefused(validate(IDENTITY, from("100.100.1.1")), 401);
    assertRefused(validate(IDENTITY, from("100.100.1.1", "Tailscale-User-Login", "a",
        "Tailscale-User-Login", "b")), 401);
    assertRefused(validate(IDENTITY, from("100.100.1.1", "Tailscale-User-Login", "  ")), 401);
    assertRefused(validate(IDENTITY, from("100.100.1.1", "Tailscale-User-Login", "a\u0001b")), 401);
    assertRefused(validate(IDENTITY, from("100.100.1.1", "Tailscale-User-Login",
        "a".repeat(257))), 401);
  }

  @Test
  void refusesBadIdentityConfiguration() {
    assertThrows(IllegalArgumentException.class,
        () -> AuthValidator.identityHeader("X-User", TrustedProxies.none()));
    assertThrows(IllegalArgumentException.class,
        () -> AuthValidator.identityHeader("X User", VPN));
    assertThrows(NullPointerException.class, () -> AuthValidator.identityHeader("X-User", null));
  }

  @Test
  void anyOfTakesTheFirstPrincipalAndSkipsTheRest() throws Exception {
    AtomicInteger laterCalls = new AtomicInteger();
    AuthValidator counting = r -> {
      laterCalls.incrementAndGet();
      return CompletableFuture.completedFuture(Principal.of("late"));
    };
    AuthValidator any = AuthValidator.anyOf(IDENTITY, AuthValidator.bearerTokens(TOKEN), counting);
    Principal viaToken = assertInstanceOf(Principal.class, validate(any,
        from("203.0.113.9", "Authorization", "Bearer " + TOKEN)));
    assertEquals("token-1", viaToken.name());
    assertEquals(0, laterCalls.get());
    Principal viaIdentity = assertInstanceOf(Principal.class, validate(any,
        from("100.100.1.1", "Tailscale-User-Login", "bob")));
    assertEquals("bob", viaIdentity.name());
  }

  @Test
  void anyOfReturnsTheFirstRejectionWhenAllRefuse() throws Exception {
    AuthValidator any = AuthValidator.anyOf(AuthValidator.bearerTokens(TOKEN),
        r -> CompletableFuture.completedFuture(Rejection.forbidden("second")));
    Rejection r = assertRefused(validate(any, from("1.2.3.4")), 401);
    assertEquals("Missing bearer token", r.reason());
  }

  @Test
  void anyOfCountsThrowingFailingAndNullValidatorsAsRefusals() throws Exception {
    AuthValidator throwing = r -> {
      throw new IllegalStateException("database down");
    };
    AuthValidator failing = r -> CompletableFuture.failedFuture(new RuntimeException("boom"));
    AuthValidator nullStage = r -> null;
    AuthValidator nullResult = r -> CompletableFuture.completedFuture(null);
    for (AuthValidator broken : List.of(throwing, failing, nullStage, nullResult)) {
      assertRefused(validate(AuthValidator.anyOf(broken, broken), from("1.2.3.4")), 401);
      Principal p = assertInstanceOf(Principal.class, validate(
          AuthValidator.anyOf(broken, AuthValidator.none()), from("1.2.3.4")));
      assertTrue(p.isAnonymous());
    }
  }

  @Test
  void allOfNeedsEveryValidatorAndMergesAttributes() throws Exception {
    AuthValidator all = AuthValidator.allOf(IDENTITY, AuthValidator.bearerTokens(TOKEN),
        r -> CompletableFuture.completedFuture(new Principal("ignored",
            Map.of("tenant", "t1", "auth.method", "other"))));
    Principal p = assertInstanceOf(Principal.class, validate(all, from("100.100.1.1",
        "Tailscale-User-Login", "alice", "Authorization", "Bearer " + TOKEN)));
    assertEquals("alice", p.name());
    assertEquals("identity-header", p.attributes().get("auth.method"));
    assertEquals("t1", p.attributes().get("tenant"));
    assertRefused(validate(all, from("100.100.1.1", "Tailscale-User-Login", "alice")), 401);
    assertRefused(validate(all, from("203.0.113.9", "Tailscale-User-Login", "alice",
        "Authorization", "Bearer " + TOKEN)), 401);
  }

  @Test
  void allOfStopsAtTheFirstRefusal() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AuthValidator counting = r -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(Principal.of("x"));
    };
    assertRefused(validate(AuthValidator.allOf(AuthValidator.bearerTokens(TOKEN), counting),
        from("1.2.3.4")), 401);
    assertEquals(0, calls.get());
    AuthValidator throwing = r -> {
      throw new IllegalStateException("boom");
    };
    assertRefused(validate(AuthValidator.allOf(AuthValidator.none(), throwing), from("1.2.3.4")),
        401);
  }

  @Test
  void compositionsStripEveryMembersCredentials() {
    AuthValidator any = AuthValidator.anyOf(IDENTITY,
        AuthValidator.bearerTokens(TOKEN).alsoFromQueryParameter("t"));
    HandshakeRequest r = builder("203.0.113.9", "Tailscale-User-Login", "admin",
        "Authorization", "Bearer " + TOKEN).rawQuery("t=x&keep=1").build();
    HandshakeRequest clean = any.withoutCredentials(r);
    assertFalse(clean.headers().contains("Tailscale-User-Login"));
    assertFalse(clean.headers().contains("Authorization"));
    assertEquals("keep=1", clean.rawQuery());
  }

  @Test
  void refusesEmptyOrNullCompositions() {
    assertThrows(IllegalArgumentException.class, AuthValidator::anyOf);
    assertThrows(IllegalArgumentException.class, AuthValidator::allOf);
    assertThrows(NullPointerException.class, () -> AuthValidator.anyOf(IDENTITY, null));
    assertSame(IDENTITY, AuthValidator.anyOf(IDENTITY));
  }

  @Test
  void noneIsOneAnonymousSingleton() throws Exception {
    assertSame(AuthValidator.none(), AuthValidator.none());
    assertTrue(((Principal) validate(AuthValidator.none(), from("1.2.3.4"))).isAnonymous());
  }
}
