package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsproxy.OriginFilter;
import io.wsproxy.RejectionMode;
import io.wsproxy.WebSocketProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The origin allow-list over real sockets (issue 3): hostile origins are refused with 403 or 4403
 * before anything is dialled, and allowed origins reach the upstream.
 */
class OriginEndToEndTest {

  private static final String REASON = "Origin not allowed";

  /** Each hostile request's extra header lines; every one must be refused. */
  private static final List<List<String>> HOSTILE = hostile();

  private static List<List<String>> hostile() {
    List<List<String>> requests = new ArrayList<>();
    for (String origin : List.of(
        "https://example.com.evil.io",       // the allowed domain as a label of another
        "https://app.example.com.evil.io",
        "https://evil.com/.example.com",     // a path that ends like the domain
        "https://aexample.com",              // not on a label boundary
        "https://example.com",               // the wildcard needs a label in front
        "null",                              // sandboxed iframes, data: URLs
        "http://app.example.com",            // wrong scheme
        "https://app.example.com:8443",      // wrong port
        "https://app.example.com@evil.com",  // user info
        "https://app.example.com/",          // a path, even "/"
        "https://app.example.com.",          // trailing dot
        "https://app.example.com:0443",      // a port with a leading zero
        "https://app .example.com")) {       // whitespace inside
      requests.add(List.of("Origin: " + origin));
    }
    // two Origin headers, one hostile; and twice the allowed one
    requests.add(List.of("Origin: https://app.example.com", "Origin: https://evil.io"));
    requests.add(List.of("Origin: https://app.example.com", "Origin: https://app.example.com"));
    return List.copyOf(requests);
  }

  private static WebSocketProxy.Builder proxy(E2eBackend upstream, RejectionMode mode) {
    return WebSocketProxy.builder()
        .route("/echo", upstream.url("/"))
        .originFilter(OriginFilter.allowList("https://app.example.com", "https://*.example.com"))
        .rejectionMode(mode)
        .limits(E2eProxy.limits().build());
  }

  @Test
  void refusesHostileOriginsWith403AndNeverDialsTheUpstream() throws Exception {
    assertRefusesEveryHostileOrigin(RejectionMode.HTTP_STATUS,
        E2eRawClient.Answer.http(403, REASON));
  }

  @Test
  void refusesHostileOriginsWithCloseCode4403AndNeverDialsTheUpstream() throws Exception {
    assertRefusesEveryHostileOrigin(RejectionMode.CLOSE_CODE,
        E2eRawClient.Answer.closed(4403, REASON));
  }

  private static void assertRefusesEveryHostileOrigin(RejectionMode mode,
      E2eRawClient.Answer refusal) throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream, mode))) {
      assertEquals(E2eProxy.each(HOSTILE, request -> refusal), proxy.answers("/echo", HOSTILE));
      assertEquals(0, upstream.tcpConnections(), "a refused handshake dialled the upstream");

      // the control: the same proxy lets an allowed origin through, so it could have dialled
      JdkClient allowed = proxy.jdk("/echo", Map.of("Origin", "https://app.example.com"));
      assertEquals("up:hello", E2eProxy.roundTrip(allowed, "hello"));
      assertEquals(1, upstream.tcpConnections());
    }
  }

  @Test
  void letsAllowedOriginsAndRequestsWithoutOriginThrough() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream, RejectionMode.HTTP_STATUS))) {
      List<String> allowed = List.of("https://app.example.com", "HTTPS://APP.Example.COM:443",
          "https://a.b.example.com");
      for (String origin : allowed) {
        JdkClient client = proxy.jdk("/echo", Map.of("Origin", origin));
        assertEquals("up:" + origin, E2eProxy.roundTrip(client, origin));
      }
      JdkClient noOrigin = proxy.jdk("/echo");
      assertEquals("up:none", E2eProxy.roundTrip(noOrigin, "none"));
      assertEquals(allowed.size() + 1, upstream.tcpConnections());
    }
  }

  @Test
  void refusesMissingOriginWhenOnlyBrowsersMayConnect() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(proxy(upstream, RejectionMode.CLOSE_CODE)
            .originFilter(OriginFilter.allowList("https://app.example.com").allowMissing(false)))) {
      assertEquals(E2eRawClient.Answer.closed(4403, REASON), proxy.answer("/echo"));
      assertEquals(0, upstream.tcpConnections());
    }
  }
}
