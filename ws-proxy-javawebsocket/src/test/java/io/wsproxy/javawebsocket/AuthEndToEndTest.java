package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.OriginFilter;
import io.wsproxy.Principal;
import io.wsproxy.RejectionMode;
import io.wsproxy.Route;
import io.wsproxy.WebSocketProxy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Authentication over real sockets (issue 3): refusals are 401 / 4401 and never dial the upstream,
 * a token never travels upstream, and a validator that throws or hangs fails closed without
 * disturbing other connections.
 */
class AuthEndToEndTest {

  private static final String TOKEN = "s3cret-Token_42";
  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();

  private static WebSocketProxy.Builder bearerProxy(E2eBackend upstream, RejectionMode mode) {
    return bearerProxy(mode).route("/echo", upstream.url(""));
  }

  private static WebSocketProxy.Builder bearerProxy(RejectionMode mode) {
    return WebSocketProxy.builder()
        .originFilter(OriginFilter.allowList("https://app.example.com"))
        .authValidator(AuthValidator.bearerTokens(TOKEN).alsoFromSubprotocol()
            .alsoFromQueryParameter("access_token"))
        .rejectionMode(mode)
        .limits(E2eProxy.limits().build());
  }

  /** Each bad credential's header lines and the reason the docs promise for it. */
  private static Map<List<String>, String> badCredentials() {
    Map<List<String>, String> m = new LinkedHashMap<>();
    m.put(List.of(), "Missing bearer token");
    m.put(List.of("Authorization: Basic dXNlcjpwYXNz"), "Unsupported authorization scheme");
    m.put(List.of("Authorization: Bearer wrong-token"), "Invalid token");
    m.put(List.of("Authorization: Bearer"), "Malformed bearer token");
    m.put(List.of("Authorization: Bearer " + TOKEN + " extra"), "Malformed bearer token");
    m.put(List.of("Authorization: Bearer " + TOKEN, "Sec-WebSocket-Protocol: bearer, " + TOKEN),
        "Bearer token presented more than once");
    m.put(List.of("Sec-WebSocket-Protocol: bearer"), "Missing token after bearer subprotocol");
    return m;
  }

  @Test
  void refusesMissingDuplicateWrongSchemeAndUnknownTokensWith401AndNeverDials() throws Exception {
    assertRefusesBadCredentials(RejectionMode.HTTP_STATUS);
  }

  @Test
  void refusesMissingDuplicateWrongSchemeAndUnknownTokensWithCloseCode4401() throws Exception {
    assertRefusesBadCredentials(RejectionMode.CLOSE_CODE);
  }

  private static void assertRefusesBadCredentials(RejectionMode mode) throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(bearerProxy(upstream, mode))) {
      Map<List<String>, String> reasons = badCredentials();
      assertEquals(E2eProxy.each(reasons.keySet(), request -> mode == RejectionMode.HTTP_STATUS
              ? E2eRawClient.Answer.http(401, reasons.get(request))
              : E2eRawClient.Answer.closed(4401, reasons.get(request))),
          proxy.answers("/echo", reasons.keySet()));
      assertEquals(0, upstream.tcpConnections(), "a refused handshake dialled the upstream");

      // the scheme is case-insensitive, and the right token gets through the same proxy
      JdkClient client = proxy.jdk("/echo", Map.of("authorization", "bEaReR " + TOKEN));
      assertEquals("up:in", E2eProxy.roundTrip(client, "in"));
      assertEquals(1, upstream.tcpConnections());
    }
  }

  @ParameterizedTest
  @EnumSource(E2eProxy.Connector.class)
  void answersBearerOnlyAndNeverOffersTheSubprotocolTokenUpstream(E2eProxy.Connector connector)
      throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(bearerProxy(upstream, RejectionMode.HTTP_STATUS),
            connector)) {
      JdkClient client = proxy.jdk("/echo/room?x=1", Map.of(), "bearer", TOKEN);
      assertEquals("bearer", client.ws.getSubprotocol());
      assertEquals("up:hi", E2eProxy.roundTrip(client, "hi"));

      E2eBackend.Seen seen = upstream.nextHandshake();
      assertEquals("/room?x=1", seen.target());
      assertNull(seen.header("Sec-WebSocket-Protocol"), "no subprotocol is offered upstream");
      assertTokenNowhere(seen);
    }
  }

  @ParameterizedTest
  @EnumSource(E2eProxy.Connector.class)
  void answersTheRoutesOwnSubprotocolAndOffersOnlyThatUpstream(E2eProxy.Connector connector)
      throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(bearerProxy(RejectionMode.HTTP_STATUS)
            .routes((request, principal) -> Route.to(URI.create(upstream.url("/chat")))
                .withSubprotocols(List.of(E2eBackend.SUBPROTOCOL))), connector)) {
      JdkClient client = proxy.jdk("/any", Map.of(), E2eBackend.SUBPROTOCOL, "bearer", TOKEN);
      assertEquals(E2eBackend.SUBPROTOCOL, client.ws.getSubprotocol());
      assertEquals("up:hi", E2eProxy.roundTrip(client, "hi"));

      E2eBackend.Seen seen = upstream.nextHandshake();
      assertEquals(E2eBackend.SUBPROTOCOL, seen.header("Sec-WebSocket-Protocol"));
      assertTokenNowhere(seen);
    }
  }

  @ParameterizedTest
  @EnumSource(E2eProxy.Connector.class)
  void stripsTheTokenQueryParameterFromTheUpstreamUrl(E2eProxy.Connector connector)
      throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(bearerProxy(upstream, RejectionMode.HTTP_STATUS),
            connector)) {
      JdkClient client = proxy.jdk("/echo/feed?a=1&access_token=" + TOKEN + "&b=%20two",
          Map.of("Origin", "https://app.example.com"));
      assertEquals("up:q", E2eProxy.roundTrip(client, "q"));

      E2eBackend.Seen seen = upstream.nextHandshake();
      assertEquals("/feed?a=1&b=%20two", seen.target());
      assertTokenNowhere(seen);
    }
  }

  private static void assertTokenNowhere(E2eBackend.Seen seen) {
    assertFalse(seen.target().contains(TOKEN), seen.target());
    seen.headers().forEach((name, value) ->
        assertFalse(value.contains(TOKEN), "the token reached the upstream in " + name));
  }

  @Test
  void failsClosedWhenTheValidatorThrowsAndKeepsOtherConnectionsWorking() throws Exception {
    AuthValidator throwing = request -> {
      if (request.header("X-Mode").isPresent()) {
        throw new IllegalStateException("validator bug");
      }
      return CompletableFuture.completedFuture(Principal.of("user"));
    };
    AuthValidator failing = request -> CompletableFuture.failedFuture(
        new IllegalStateException("database down"));
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .authValidator(AuthValidator.anyOf(throwing, failing))
            .limits(E2eProxy.limits().build()))) {
      JdkClient before = proxy.jdk("/echo");
      assertEquals("up:first", E2eProxy.roundTrip(before, "first"));
      assertEquals(E2eRawClient.Answer.http(401, "Unauthorized"),
          proxy.answer("/echo", "X-Mode: throw"));
      assertEquals(1, upstream.tcpConnections(), "only the accepted client dialled");
      assertEquals("up:still", E2eProxy.roundTrip(before, "still"));
      assertEquals("up:new", E2eProxy.roundTrip(proxy.jdk("/echo"), "new"));
    }
  }

  @Test
  void failsClosedWhenTheValidatorNeverAnswersAndKeepsOtherConnectionsWorking()
      throws Exception {
    CountDownLatch hanging = new CountDownLatch(1);
    AuthValidator sometimesHangs = new AuthValidator() {
      @Override
      public CompletionStage<AuthResult> validate(HandshakeRequest request) {
        if (request.header("X-Mode").isPresent()) {
          hanging.countDown();
          return new CompletableFuture<>(); // never completes
        }
        return CompletableFuture.completedFuture(Principal.of("user"));
      }
    };
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .authValidator(sometimesHangs)
            .limits(E2eProxy.limits().handshakeTimeout(Duration.ofMillis(800)).build()))) {
      JdkClient before = proxy.jdk("/echo");
      assertEquals("up:first", E2eProxy.roundTrip(before, "first"));
      CompletableFuture<E2eRawClient.Answer> hung = CompletableFuture.supplyAsync(() -> {
        try {
          return proxy.answer("/echo", "X-Mode: hang");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(hanging.await(WAIT, TimeUnit.SECONDS), "the validator was not called");
      // while that handshake waits: the open connection relays
      assertEquals("up:during", E2eProxy.roundTrip(before, "during"));

      assertEquals(E2eRawClient.Answer.http(401, "Unauthorized"), hung.get(WAIT, TimeUnit.SECONDS));
      assertEquals(1, upstream.tcpConnections(), "the hung handshake dialled the upstream");
      assertEquals("up:after", E2eProxy.roundTrip(proxy.jdk("/echo"), "after"));
      assertEquals("up:still", E2eProxy.roundTrip(before, "still"));
    }
  }
}
