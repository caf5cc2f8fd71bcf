package io.wsproxy.internal;

import static io.wsproxy.security.internal.Handshakes.builder;
import static io.wsproxy.security.internal.Handshakes.from;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.OriginFilter;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Principal;
import io.wsproxy.ProxyListener;
import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import io.wsproxy.TrustedProxies;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandshakePipelineSecurityTest {

  private static final String TOKEN = "pipeline-token-0123456789";
  private static final TrustedProxies PROXIES = TrustedProxies.of("10.0.0.0/8");
  private static final OriginFilter ORIGINS = OriginFilter.allowList("https://app.example.com");

  /** Counts every call: proves a refused handshake never reaches routing (nor dials anything). */
  private static final class CountingRoutes implements RouteResolver {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicReference<HandshakeRequest> seen = new AtomicReference<>();
    final RouteResolver delegate;

    CountingRoutes(RouteResolver delegate) {
      this.delegate = delegate;
    }

    @Override
    public RouteResult resolve(HandshakeRequest request, Principal principal) {
      calls.incrementAndGet();
      seen.set(request);
      return delegate.resolve(request, principal);
    }
  }

  private final CountingRoutes routes = new CountingRoutes(
      PathPrefixRoutes.builder().route("/", "ws://127.0.0.1:9/up").build());
  private final List<HandshakeRequest> rejectedSeen = new CopyOnWriteArrayList<>();
  private final ProxyListener listener = new ProxyListener() {
    @Override
    public void handshakeRejected(HandshakeRequest request, Rejection rejection) {
      rejectedSeen.add(request);
    }
  };

  private HandshakePipeline pipeline(AuthValidator auth) {
    return pipeline(auth, Limits.DEFAULTS, null);
  }

  private HandshakePipeline pipeline(AuthValidator auth, Limits limits, ConnectionLimiter limiter) {
    ForwardedHeaders.Policy policy = ForwardedHeaders.Policy.of(PROXIES)
        .withIdentityHeaders(Set.of("Tailscale-User-Login")).withPrincipalHeader("X-Forwarded-User");
    return new HandshakePipeline(policy, ORIGINS, auth, routes, limits, listener, limiter);
  }

  private static HandshakeDecision run(HandshakePipeline p, HandshakeRequest r) throws Exception {
    return p.run(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private void assertRefused(HandshakeDecision d, int status, int closeCode) {
    Rejection r = assertInstanceOf(Rejection.class, d);
    assertEquals(status, r.httpStatus());
    assertEquals(closeCode, r.closeCode());
    assertEquals(0, routes.calls.get(), "a refused handshake reached routing");
  }

  private static HandshakeDecision.Accept assertAccepted(HandshakeDecision d) {
    return assertInstanceOf(HandshakeDecision.Accept.class, d);
  }

  @Test
  void refusesAHostileOriginWith403BeforeAuth() throws Exception {
    AtomicInteger authCalls = new AtomicInteger();
    AuthValidator counting = r -> {
      authCalls.incrementAndGet();
      return CompletableFuture.completedFuture(Principal.of("x"));
    };
    for (String origin : List.of("https://evil.com", "https://app.example.com.evil.io", "null")) {
      assertRefused(run(pipeline(counting), from("1.2.3.4", "Origin", origin)), 403,
          CloseCodes.FORBIDDEN);
    }
    assertEquals(0, authCalls.get());
  }

  @Test
  void stillChecksTheOriginBehindATrustedProxy() throws Exception {
    assertRefused(run(pipeline(AuthValidator.none()), from("10.0.0.1", "Origin", "https://evil.com",
        "X-Forwarded-For", "198.51.100.2")), 403, CloseCodes.FORBIDDEN);
  }

  @Test
  void refusesMissingDuplicateAndWrongSchemeAuthorizationWith401() throws Exception {
    HandshakePipeline p = pipeline(AuthValidator.bearerTokens(TOKEN));
    assertRefused(run(p, from("1.2.3.4")), 401, CloseCodes.UNAUTHORIZED);
    assertRefused(run(p, from("1.2.3.4", "Authorization", "Bearer " + TOKEN,
        "Authorization", "Bearer " + TOKEN)), 401, CloseCodes.UNAUTHORIZED);
    assertRefused(run(p, from("1.2.3.4", "Authorization", "Basic " + TOKEN)), 401,
        CloseCodes.UNAUTHORIZED);
    assertRefused(run(p, from("1.2.3.4", "Authorization", "Bearer wrong-token")), 401,
        CloseCodes.UNAUTHORIZED);
  }

  @Test
  void failsClosedWhenTheValidatorThrowsFailsOrAnswersNull() throws Exception {
    List<AuthValidator> broken = List.of(
        r -> {
          throw new IllegalStateException("validator bug");
        },
        r -> CompletableFuture.failedFuture(new RuntimeException("db down")),
        r -> null,
        r -> CompletableFuture.completedFuture(null));
    for (AuthValidator v : broken) {
      assertRefused(run(pipeline(v), from("1.2.3.4")), 401, CloseCodes.UNAUTHORIZED);
    }
  }

  @Test
  void timesOutAValidatorThatNeverAnswers() throws Exception {
    CompletableFuture<AuthResult> never = new CompletableFuture<>();
    Limits quick = Limits.builder().handshakeTimeout(Duration.ofMillis(200)).build();
    HandshakePipeline p = pipeline(r -> never, quick, null);
    long start = System.nanoTime();
    assertRefused(run(p, from("1.2.3.4")), 401, CloseCodes.UNAUTHORIZED);
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
    assertFalse(never.isDone(), "the validator's own future is left alone");
  }

  @Test
  void refusesTwoThousandHeadersWith431BeforeAnythingElse() throws Exception {
    Headers.Builder many = Headers.builder();
    for (int i = 0; i < 2_000; i++) {
      many.add("X-H" + i, "v");
    }
    AtomicInteger authCalls = new AtomicInteger();
    HandshakePipeline p = pipeline(r -> {
      authCalls.incrementAndGet();
      return CompletableFuture.completedFuture(Principal.ANONYMOUS);
    });
    HandshakeRequest r = builder("1.2.3.4").headers(many.build()).build();
    assertRefused(run(p, r), 431, CloseCodes.BAD_REQUEST);
    Headers.Builder repeated = Headers.builder();
    for (int i = 0; i < 2_000; i++) {
      repeated.add("X-Same", "v");
    }
    assertRefused(run(p, builder("1.2.3.4").headers(repeated.build()).build()), 431,
        CloseCodes.BAD_REQUEST);
    assertEquals(0, authCalls.get());
  }

  @Test
  void headersRefuseCarriageReturnsAndLineFeedsInValues() {
    for (String value : List.of("a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b")) {
      assertThrows(IllegalArgumentException.class, () -> Headers.of("X-A", value));
      assertThrows(IllegalArgumentException.class,
          () -> Headers.builder().add("Authorization", value));
    }
  }

  @Test
  void refusesAFullProxyWith429BeforeAuth() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(10, 1);
    limiter.tryAcquire("198.51.100.2");
    HandshakePipeline p = pipeline(AuthValidator.bearerTokens(TOKEN), Limits.DEFAULTS, limiter);
    HandshakeDecision d = run(p, from("10.0.0.1", "X-Forwarded-For", "198.51.100.2",
        "Authorization", "Bearer " + TOKEN));
    assertRefused(d, 429, CloseCodes.TOO_MANY_REQUESTS);
    assertEquals(ConnectionLimiter.TOO_MANY_FROM_ADDRESS, ((Rejection) d).reason());
    assertAccepted(run(p, from("10.0.0.1", "X-Forwarded-For", "198.51.100.3",
        "Authorization", "Bearer " + TOKEN)));
  }

  @Test
  void answersBearerToTheClientAndOffersNoTokenUpstream() throws Exception {
    HandshakePipeline p = pipeline(AuthValidator.bearerTokens(TOKEN).alsoFromSubprotocol());
    HandshakeDecision.Accept a = assertAccepted(run(p, from("1.2.3.4", "Origin",
        "https://app.example.com", "Sec-WebSocket-Protocol", "bearer, " + TOKEN)));
    assertEquals("bearer", a.subprotocol());
    assertEquals(List.of(), HandshakePipeline.upstreamSubprotocols(a));
    assertEquals(List.of(), a.request().subprotocols());
    assertEquals(List.of(), routes.seen.get().subprotocols());
    assertNoToken(a);
  }

  @Test
  void answersTheRoutesSubprotocolWhenTheClientOfferedOneBesideTheToken() throws Exception {
    CountingRoutes withProtocol = new CountingRoutes((r, p) ->
        Route.to(URI.create("ws://127.0.0.1:9/")).withSubprotocols(List.of("graphql-ws")));
    HandshakePipeline p = new HandshakePipeline(ForwardedHeaders.Policy.of(PROXIES), ORIGINS,
        AuthValidator.bearerTokens(TOKEN).alsoFromSubprotocol(), withProtocol, Limits.DEFAULTS,
        listener, null);
    HandshakeDecision.Accept a = assertAccepted(run(p, from("1.2.3.4",
        "Sec-WebSocket-Protocol", "bearer, " + TOKEN + ", graphql-ws")));
    assertEquals("graphql-ws", a.subprotocol());
    assertEquals(List.of("graphql-ws"), HandshakePipeline.upstreamSubprotocols(a));
    assertNoToken(a);
  }

  @Test
  void neverAnswersBearerWhenNoValidatorConsumedIt() throws Exception {
    HandshakeDecision.Accept a = assertAccepted(run(pipeline(AuthValidator.none()),
        from("1.2.3.4", "Sec-WebSocket-Protocol", "bearer, something")));
    assertNull(a.subprotocol());
  }

  @Test
  void stripsTheQueryTokenBeforeRoutingAndUpstream() throws Exception {
    HandshakePipeline p = pipeline(AuthValidator.bearerTokens(TOKEN)
        .alsoFromQueryParameter("access_token"));
    HandshakeRequest r = builder("1.2.3.4").path("/chat")
        .rawQuery("room=1&access_token=" + TOKEN).build();
    HandshakeDecision.Accept a = assertAccepted(run(p, r));
    assertEquals("room=1", routes.seen.get().rawQuery());
    assertEquals("room=1", a.request().rawQuery());
    assertEquals(URI.create("ws://127.0.0.1:9/up/chat?room=1"), a.route().upstream());
    assertNoToken(a);
  }

  @Test
  void neverShowsAWrongQueryTokenToListeners() throws Exception {
    HandshakePipeline p = pipeline(AuthValidator.bearerTokens(TOKEN).alsoFromQueryParameter("t"));
    assertRefused(run(p, builder("1.2.3.4").rawQuery("t=guessed-token&x=1").build()), 401,
        CloseCodes.UNAUTHORIZED);
    assertEquals("x=1", rejectedSeen.get(0).rawQuery());
  }

  @Test
  void forwardsThePrincipalAndStripsTheClientsCopyAndTheAuthorizationHeader() throws Exception {
    HandshakeDecision.Accept a = assertAccepted(run(pipeline(AuthValidator.bearerTokens(TOKEN)),
        from("1.2.3.4", "Authorization", "Bearer " + TOKEN, "X-Forwarded-User", "admin")));
    assertEquals(List.of("token-1"), a.upstreamHeaders().all("X-Forwarded-User"));
    assertEquals("token-1", a.principal().name());
    assertNoToken(a);
  }

  @Test
  void refusesASpoofedIdentityHeaderFromAnUntrustedPeerBeforeRouting() throws Exception {
    AuthValidator identity = AuthValidator.identityHeader("Tailscale-User-Login", PROXIES);
    assertRefused(run(pipeline(identity), from("203.0.113.9", "Tailscale-User-Login", "admin",
        "X-Forwarded-For", "10.0.0.1")), 401, CloseCodes.UNAUTHORIZED);
    HandshakeDecision.Accept a = assertAccepted(run(pipeline(identity), from("10.0.0.1",
        "Tailscale-User-Login", "alice", "X-Forwarded-For", "198.51.100.2")));
    assertEquals("alice", a.principal().name());
    assertEquals("198.51.100.2", a.clientAddress());
    assertEquals(List.of("alice"), a.upstreamHeaders().all("X-Forwarded-User"));
  }

  @Test
  void validatorsAndResolversNeverSeeSpoofedForwardingHeaders() throws Exception {
    AtomicReference<HandshakeRequest> authSaw = new AtomicReference<>();
    HandshakePipeline p = pipeline(r -> {
      authSaw.set(r);
      return CompletableFuture.completedFuture(Principal.ANONYMOUS);
    });
    HandshakeDecision.Accept a = assertAccepted(run(p, from("203.0.113.9",
        "X-Forwarded-For", "10.0.0.1", "X-Real-IP", "10.0.0.1", "Tailscale-User-Login", "admin")));
    for (HandshakeRequest seen : List.of(authSaw.get(), routes.seen.get(), a.request())) {
      assertEquals(Set.of(), seen.headers().names());
    }
    assertEquals("203.0.113.9", a.clientAddress());
    assertEquals(List.of("203.0.113.9"), a.upstreamHeaders().all("X-Forwarded-For"));
  }

  @Test
  void acceptsWithBearerInAGatewayThatDoesNotRoute() throws Exception {
    HandshakePipeline gateway = new HandshakePipeline(ForwardedHeaders.Policy.of(PROXIES),
        OriginFilter.allowAll(), AuthValidator.bearerTokens(TOKEN).alsoFromSubprotocol(), null,
        Limits.DEFAULTS, listener, null);
    HandshakeDecision.Accept a = assertAccepted(run(gateway,
        from("1.2.3.4", "Sec-WebSocket-Protocol", "bearer, " + TOKEN)));
    assertEquals("bearer", a.subprotocol());
    assertNull(a.route());
    assertEquals(List.of(), HandshakePipeline.upstreamSubprotocols(a));
  }

  @Test
  void turnsAResolverThatThrowsInto500() throws Exception {
    HandshakePipeline p = new HandshakePipeline(ForwardedHeaders.Policy.of(PROXIES), ORIGINS,
        AuthValidator.none(), (r, pr) -> {
          throw new IllegalStateException("bug");
        }, Limits.DEFAULTS, listener, null);
    Rejection r = assertInstanceOf(Rejection.class, run(p, from("1.2.3.4")));
    assertEquals(500, r.httpStatus());
    assertEquals(CloseCodes.INTERNAL_ERROR, r.closeCode());
  }

  @Test
  void refusesAPrincipalThatCannotBeSentAsAHeader() throws Exception {
    HandshakePipeline p = pipeline(r -> CompletableFuture.completedFuture(Principal.of("a\r\nb")));
    assertRefused(run(p, from("1.2.3.4")), 500, CloseCodes.INTERNAL_ERROR);
  }

  private static void assertNoToken(HandshakeDecision.Accept a) {
    String everything = a.upstreamHeaders().toMap() + " " + a.request().headers().toMap() + " "
        + a.request().pathAndQuery() + " " + a.route().upstream() + " " + a.subprotocol();
    assertFalse(everything.contains(TOKEN), everything);
  }
}
