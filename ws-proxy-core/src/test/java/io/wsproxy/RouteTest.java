package io.wsproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Route}'s per-route upstream-failure close code. */
class RouteTest {

  private static final URI UP = URI.create("ws://127.0.0.1:9001/x");

  @Test
  void usesTheProxysUpstreamFailureCodeUnlessTheRouteNamesOne() {
    Route plain = Route.to(UP);
    assertNull(plain.upstreamFailureCloseCode());
    assertEquals(1014, plain.upstreamFailureCloseCodeOr(1014));
    Route own = plain.withUpstreamFailureCloseCode(4502);
    assertEquals(4502, own.upstreamFailureCloseCodeOr(1014));
    assertNull(own.withUpstreamFailureCloseCode(null).upstreamFailureCloseCode(),
        "null goes back to the proxy's");
  }

  @Test
  void everyCopyKeepsTheRoutesUpstreamFailureCode() {
    Route own = Route.to(UP).withUpstreamFailureCloseCode(4502);
    List<Route> copies = List.of(own.withSubprotocols(List.of("chat")),
        own.withHeaders(Headers.builder().add("X-A", "1").build()),
        own.inGroup(new ConnectionGroup()), own.withConnectMode(ConnectMode.ACCEPT_FIRST),
        own.withUpstream(URI.create("ws://127.0.0.1:9002/")));
    for (Route r : copies) {
      assertEquals(4502, r.upstreamFailureCloseCode(), r.toString());
    }
  }

  @Test
  void theFiveComponentConstructorMeansTheProxysCode() {
    Route r = new Route(UP, List.of(), Headers.EMPTY, null, null);
    assertNull(r.upstreamFailureCloseCode());
  }

  @ParameterizedTest
  @ValueSource(ints = {999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, -1})
  void refusesAnUpstreamFailureCodeThatCannotBeSentLikeTheProxyBuilder(int code) {
    IllegalArgumentException onRoute = assertThrows(IllegalArgumentException.class,
        () -> Route.to(UP).withUpstreamFailureCloseCode(code));
    IllegalArgumentException onProxy = assertThrows(IllegalArgumentException.class,
        () -> WebSocketProxy.builder().upstreamFailureCloseCode(code));
    assertEquals("upstreamFailureCloseCode cannot be sent on the wire: " + code,
        onRoute.getMessage());
    assertEquals(onProxy.getMessage(), onRoute.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1003, 1007, 1014, 3000, 4502, 4999})
  void acceptsEverySendableUpstreamFailureCode(int code) {
    assertEquals(code, Route.to(UP).withUpstreamFailureCloseCode(code).upstreamFailureCloseCode());
  }
}
