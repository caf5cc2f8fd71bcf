package io.wsproxy;

import io.wsproxy.spi.UpstreamConnector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebSocketProxyBuilderTest {

  private static final UpstreamConnector NEVER =
      (request, listener) -> new CompletableFuture<>();

  private static HandshakeRequest request(String target) {
    return HandshakeRequest.builder().target(target)
        .remoteAddress(new InetSocketAddress("127.0.0.1", 5)).build();
  }

  @Test
  void refusesToBuildWithoutRoutes() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> WebSocketProxy.builder().connector(NEVER).build());
    assertTrue(e.getMessage().contains("no routes"));
  }

  @Test
  void refusesInvalidSettingsNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebSocketProxy.builder().upstreamFailureCloseCode(1006));
    assertTrue(e.getMessage().contains("upstreamFailureCloseCode"));
    NullPointerException npe = assertThrows(NullPointerException.class,
        () -> WebSocketProxy.builder().limits(null));
    assertEquals("limits", npe.getMessage());
    assertThrows(IllegalStateException.class, () -> WebSocketProxy.builder()
        .route("/a", "ws://h:1").routes((r, p) -> RouteResult.NO_MATCH));
  }

  @Test
  void answers404WhenNoRouteMatches() throws Exception {
    try (WebSocketProxy proxy = WebSocketProxy.builder().connector(NEVER)
        .route("/echo", "ws://127.0.0.1:9").build()) {
      HandshakeDecision d = proxy.handshake(request("/other")).decision().toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      Rejection r = assertInstanceOf(Rejection.class, d);
      assertEquals(404, r.httpStatus());
      assertEquals(CloseCodes.NOT_FOUND, r.closeCode());
    }
  }

  @Test
  void acceptsAMatchingRouteWithForwardingHeaders() throws Exception {
    try (WebSocketProxy proxy = WebSocketProxy.builder().connector(NEVER)
        .connectMode(ConnectMode.ACCEPT_FIRST).route("/echo", "ws://127.0.0.1:9").build()) {
      HandshakeDecision d = proxy.handshake(request("/echo/a?q=1")).decision().toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      HandshakeDecision.Accept a = assertInstanceOf(HandshakeDecision.Accept.class, d);
      assertEquals("ws://127.0.0.1:9/a?q=1", a.route().upstream().toString());
      assertEquals("127.0.0.1", a.upstreamHeaders().first("X-Forwarded-For").orElseThrow());
    }
  }

  @Test
  void toBuilderCopiesWithoutSharingRoutes() throws Exception {
    WebSocketProxy.Builder original = WebSocketProxy.builder().connector(NEVER)
        .connectMode(ConnectMode.ACCEPT_FIRST).route("/a", "ws://127.0.0.1:9");
    try (WebSocketProxy first = original.build();
        WebSocketProxy second = first.toBuilder().route("/b", "ws://127.0.0.1:9").build()) {
      assertInstanceOf(Rejection.class,
          first.handshake(request("/b")).decision().toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertInstanceOf(HandshakeDecision.Accept.class,
          second.handshake(request("/b")).decision().toCompletableFuture().get(5, TimeUnit.SECONDS));
    }
  }
}
