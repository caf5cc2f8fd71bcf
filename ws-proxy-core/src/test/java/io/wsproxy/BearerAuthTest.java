package io.wsproxy;

import static io.wsproxy.security.internal.Handshakes.builder;
import static io.wsproxy.security.internal.Handshakes.from;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerAuthTest {

  static final String TOKEN = "s3cr3t-T0ken_abcdefghij";
  static final String OTHER = "another-token-0123456789";
  private static final AuthValidator.Bearer TOKENS = AuthValidator.bearerTokens(TOKEN, OTHER);

  static AuthResult validate(AuthValidator v, HandshakeRequest r) throws Exception {
    return v.validate(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static void assertUnauthorized(AuthResult result, String reason) {
    Rejection r = assertInstanceOf(Rejection.class, result);
    assertEquals(401, r.httpStatus());
    assertEquals(CloseCodes.UNAUTHORIZED, r.closeCode());
    assertEquals(reason, r.reason());
    assertFalse(r.toString().contains(TOKEN));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer    ", "Bearer\t"})
  void acceptsTheBearerSchemeInAnyCase(String prefix) throws Exception {
    Principal p = assertInstanceOf(Principal.class,
        validate(TOKENS, from("1.2.3.4", "Authorization", prefix + TOKEN)));
    assertEquals("token-1", p.name());
    assertEquals(Map.of("auth.method", "bearer", "auth.source", "authorization"), p.attributes());
  }

  @Test
  void namesPrincipalsAfterTheTokensPosition() throws Exception {
    AuthResult r = validate(TOKENS, from("1.2.3.4", "Authorization", "Bearer " + OTHER));
    assertEquals("token-2", ((Principal) r).name());
  }

  @Test
  void refusesAMissingAuthorizationHeader() throws Exception {
    assertUnauthorized(validate(TOKENS, from("1.2.3.4")), "Missing bearer token");
  }

  @Test
  void refusesADuplicateAuthorizationHeaderEvenWithValidTokens() throws Exception {
    assertUnauthorized(validate(TOKENS, from("1.2.3.4", "Authorization", "Bearer " + TOKEN,
        "Authorization", "Bearer " + TOKEN)), "Duplicate Authorization header");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Token " + TOKEN, "Bearer" + TOKEN,
      "Digest username=x", TOKEN})
  void refusesOtherSchemes(String value) throws Exception {
    assertUnauthorized(validate(TOKENS, from("1.2.3.4", "Authorization", value)),
        "Unsupported authorization scheme");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer", "Bearer  ", "Bearer " + TOKEN + " x", "Bearer " + TOKEN + ",x",
      "Bearer a\"b", "Bearer \u00e9t\u00e9", "Bearer a;b"})
  void refusesMalformedTokens(String value) throws Exception {
    assertUnauthorized(validate(TOKENS, from("1.2.3.4", "Authorization", value)),
        "Malformed bearer token");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrong", TOKEN + "x", "s3cr3t", "S3CR3T-T0KEN_ABCDEFGHIJ"})
  void refusesWrongTokensIncludingPrefixesAndExtensions(String token) throws Exception {
    assertUnauthorized(validate(TOKENS, from("1.2.3.4", "Authorization", "Bearer " + token)),
        "Invalid token");
  }

  @Test
  void refusesATokenSentAsASubprotocolUnlessEnabled() throws Exception {
    HandshakeRequest r = from("1.2.3.4", "Sec-WebSocket-Protocol", "bearer, " + TOKEN);
    assertUnauthorized(validate(TOKENS, r), "Missing bearer token");
    Principal p = assertInstanceOf(Principal.class, validate(TOKENS.alsoFromSubprotocol(), r));
    assertEquals("subprotocol", p.attributes().get("auth.source"));
  }

  @Test
  void refusesABearerSubprotocolWithoutATokenOrTwice() throws Exception {
    AuthValidator v = TOKENS.alsoFromSubprotocol();
    assertUnauthorized(validate(v, from("1.2.3.4", "Sec-WebSocket-Protocol", "bearer")),
        "Missing token after bearer subprotocol");
    assertUnauthorized(validate(v, from("1.2.3.4", "Sec-WebSocket-Protocol",
        "bearer, " + TOKEN, "Sec-WebSocket-Protocol", "bearer, " + OTHER)),
        "Duplicate bearer subprotocol");
  }

  @Test
  void stripsTheSubprotocolPairButKeepsOtherSubprotocols() {
    AuthValidator v = TOKENS.alsoFromSubprotocol();
    HandshakeRequest r = from("1.2.3.4", "Sec-WebSocket-Protocol", "graphql-ws, bearer, " + TOKEN,
        "Sec-WebSocket-Protocol", "mqtt");
    HandshakeRequest clean = v.withoutCredentials(r);
    assertEquals(List.of("graphql-ws", "mqtt"), clean.subprotocols());
    assertFalse(clean.headers().toMap().toString().contains(TOKEN));
    HandshakeRequest only = v.withoutCredentials(
        from("1.2.3.4", "Sec-WebSocket-Protocol", "bearer, " + TOKEN));
    assertFalse(only.headers().contains("Sec-WebSocket-Protocol"));
  }

  @Test
  void takesTheTokenFromTheQueryWhenEnabledAndStripsItOnly() throws Exception {
    AuthValidator v = TOKENS.alsoFromQueryParameter("access_token");
    HandshakeRequest r = builder("1.2.3.4").rawQuery("a=1&access_token=" + TOKEN + "&b=2").build();
    Principal p = assertInstanceOf(Principal.class, validate(v, r));
    assertEquals("query", p.attributes().get("auth.source"));
    assertEquals("a=1&b=2", v.withoutCredentials(r).rawQuery());
    assertNull(v.withoutCredentials(builder("1.2.3.4").rawQuery("access_token=x").build())
        .rawQuery());
    assertUnauthorized(validate(TOKENS, r), "Missing bearer token");
  }

  @Test
  void percentDecodesTheQueryTokenAndItsName() throws Exception {
    AuthValidator v = AuthValidator.bearerTokens("a+b/c=").alsoFromQueryParameter("t");
    HandshakeRequest encoded = builder("1.2.3.4").rawQuery("%74=a%2Bb%2Fc%3D").build();
    assertInstanceOf(Principal.class, validate(v, encoded));
    HandshakeRequest plus = builder("1.2.3.4").rawQuery("t=a+b/c=").build();
    assertInstanceOf(Principal.class, validate(v, plus));
    assertNull(v.withoutCredentials(encoded).rawQuery());
  }

  @Test
  void refusesDuplicateOrMalformedQueryTokens() throws Exception {
    AuthValidator v = TOKENS.alsoFromQueryParameter("t");
    assertUnauthorized(validate(v, builder("1.2.3.4").rawQuery("t=" + TOKEN + "&t=" + TOKEN)
        .build()), "Duplicate token parameter");
    assertUnauthorized(validate(v, builder("1.2.3.4").rawQuery("t=%zz").build()),
        "Malformed token parameter");
    assertUnauthorized(validate(v, builder("1.2.3.4").rawQuery("t=").build()),
        "Malformed token parameter");
    assertUnauthorized(validate(v, builder("1.2.3.4").rawQuery("t=%C3%28").build()),
        "Malformed token parameter");
  }

  @Test
  void refusesATokenPresentedInTwoPlaces() throws Exception {
    AuthValidator v = TOKENS.alsoFromQueryParameter("t").alsoFromSubprotocol();
    assertUnauthorized(validate(v, builder("1.2.3.4", "Authorization", "Bearer " + TOKEN)
        .rawQuery("t=" + TOKEN).build()), "Bearer token presented more than once");
    assertUnauthorized(validate(v, from("1.2.3.4", "Authorization", "Bearer " + TOKEN,
        "Sec-WebSocket-Protocol", "bearer, " + TOKEN)), "Bearer token presented more than once");
  }

  @Test
  void ignoresAnotherAuthorizationSchemeWhenTheTokenComesFromElsewhere() throws Exception {
    AuthValidator v = TOKENS.alsoFromSubprotocol();
    HandshakeRequest r = from("1.2.3.4", "Authorization", "Basic dXNlcjpwYXNz",
        "Sec-WebSocket-Protocol", "bearer, " + TOKEN);
    assertInstanceOf(Principal.class, validate(v, r));
    assertEquals(List.of("Basic dXNlcjpwYXNz"), v.withoutCredentials(r).headers().all("Authorization"));
  }

  @Test
  void stripsTheBearerAuthorizationHeader() {
    HandshakeRequest clean = TOKENS.withoutCredentials(
        from("1.2.3.4", "Authorization", "bearer " + TOKEN, "X-Other", "1"));
    assertFalse(clean.headers().contains("Authorization"));
    assertEquals(List.of("1"), clean.headers().all("X-Other"));
  }

  @Test
  void leavesARequestWithoutCredentialsAlone() {
    HandshakeRequest r = builder("1.2.3.4", "X-A", "1").rawQuery("x=1").build();
    assertSame(r, TOKENS.alsoFromSubprotocol().alsoFromQueryParameter("t").withoutCredentials(r));
  }

  @Test
  void passesTheTokenToAVerifierAndReturnsItsAnswer() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    AuthValidator v = AuthValidator.bearer((token, request) -> {
      seen.set(token);
      return CompletableFuture.completedFuture(token.equals("good-token-value")
          ? new Principal("alice", Map.of("role", "admin")) : Rejection.forbidden("Revoked"));
    });
    Principal p = assertInstanceOf(Principal.class,
        validate(v, from("1.2.3.4", "Authorization", "Bearer good-token-value")));
    assertEquals("alice", p.name());
    assertEquals("good-token-value", seen.get());
    Rejection r = assertInstanceOf(Rejection.class,
        validate(v, from("1.2.3.4", "Authorization", "Bearer other-token")));
    assertEquals(403, r.httpStatus());
    assertUnauthorized(validate(v, from("1.2.3.4")), "Missing bearer token");
  }

  @Test
  void neverShowsTokensInToStringOrConfigurationErrors() {
    String s = TOKENS.alsoFromSubprotocol().alsoFromQueryParameter("t").toString();
    assertFalse(s.contains(TOKEN) || s.contains(OTHER), s);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AuthValidator.bearerTokens("good-token-0123456", "bad token with spaces"));
    assertFalse(e.getMessage().contains("bad token"), e.getMessage());
    assertTrue(e.getMessage().contains("#2"), e.getMessage());
  }

  @Test
  void refusesBadConfiguration() {
    assertThrows(IllegalArgumentException.class, () -> AuthValidator.bearerTokens(List.of()));
    assertThrows(IllegalArgumentException.class, () -> AuthValidator.bearerTokens(""));
    assertThrows(IllegalArgumentException.class, () -> AuthValidator.bearerTokens("a,b"));
    assertThrows(NullPointerException.class, () -> AuthValidator.bearer(null));
    assertThrows(IllegalArgumentException.class, () -> TOKENS.alsoFromQueryParameter(""));
    assertThrows(IllegalArgumentException.class, () -> TOKENS.alsoFromQueryParameter("a&b"));
    assertThrows(IllegalArgumentException.class, () -> TOKENS.alsoFromQueryParameter("t\u00e9"));
  }
}
