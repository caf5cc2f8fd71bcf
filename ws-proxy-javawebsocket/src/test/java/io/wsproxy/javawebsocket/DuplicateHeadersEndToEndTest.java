package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.wsproxy.AuthValidator;
import io.wsproxy.TrustedProxies;
import io.wsproxy.WebSocketProxy;
import org.junit.jupiter.api.Test;

/**
 * Repeated credential headers over real sockets: docs/SECURITY.md promises "Duplicate Authorization
 * header" and "Duplicate identity header" refusals.
 */
class DuplicateHeadersEndToEndTest {

  private static final String TOKEN = "duplicate-test-token-0123";
  private static final String IDENTITY = "X-Auth-User";

  @Test
  void refusesTwoAuthorizationHeadersAsDuplicate() throws Exception {
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .authValidator(AuthValidator.bearerTokens(TOKEN))
            .limits(E2eProxy.limits().build()))) {
      assertEquals(E2eRawClient.Answer.http(401, "Duplicate Authorization header"),
          proxy.answer("/echo", "Authorization: Bearer " + TOKEN,
              "Authorization: Bearer " + TOKEN));
      assertEquals(0, upstream.tcpConnections());
    }
  }

  @Test
  void refusesTwoIdentityHeadersFromATrustedProxyAsDuplicate() throws Exception {
    TrustedProxies loopback = TrustedProxies.of("127.0.0.0/8");
    try (E2eBackend upstream = E2eBackend.start("up");
        E2eProxy proxy = E2eProxy.start(WebSocketProxy.builder()
            .route("/echo", upstream.url(""))
            .trustedProxies(loopback)
            .identityHeaders(IDENTITY)
            .authValidator(AuthValidator.identityHeader(IDENTITY, loopback))
            .limits(E2eProxy.limits().build()))) {
      // a proxy that appends its header instead of replacing the client's
      E2eRawClient client = proxy.raw("/echo", IDENTITY + ": admin", IDENTITY + ": alice");
      if (client.status() == 101) {
        fail("accepted; the upstream got " + IDENTITY + ": "
            + upstream.nextHandshake().header(IDENTITY));
      }
      assertEquals(E2eRawClient.Answer.http(401, "Duplicate identity header"), client.answer());
      assertEquals(0, upstream.tcpConnections());
    }
  }
}
