package io.wsproxy;

import io.wsproxy.spi.UpstreamConnector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import io.wsproxy.conformance.TestLog;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Allowing every origin while requiring auth lets any web page a user opens connect with the
 * user's ambient credentials; the proxy says so once, at start-up. (The test reads the warning
 * where the slf4j-simple binding of the tests writes it: standard error.)
 */
@Isolated
class StartupWarningTest {

  private static final UpstreamConnector NEVER = (request, listener) -> new CompletableFuture<>();
  private static final String WARNING = "every Origin is allowed";

  private static String logWhile(Supplier<AutoCloseable> action) throws Exception {
    return TestLog.during(() -> action.get().close());
  }

  @Test
  void warnsWhenAuthIsCombinedWithEveryOriginAllowed() throws Exception {
    String log = logWhile(() -> WebSocketProxy.builder().connector(NEVER)
        .authValidator(AuthValidator.bearerTokens("secret-token-value"))
        .route("/", "ws://127.0.0.1:9").build());
    assertTrue(log.contains(WARNING), log);
    assertFalse(log.contains("secret-token-value"), "tokens are never logged");
  }

  @Test
  void staysQuietWithAnOriginAllowListOrWithoutAuth() throws Exception {
    String withList = logWhile(() -> WebSocketProxy.builder().connector(NEVER)
        .authValidator(AuthValidator.bearerTokens("t"))
        .originFilter(OriginFilter.allowList("https://app.example.com"))
        .route("/", "ws://127.0.0.1:9").build());
    String withoutAuth = logWhile(() -> WebSocketProxy.builder().connector(NEVER)
        .route("/", "ws://127.0.0.1:9").build());
    assertFalse(withList.contains(WARNING), withList);
    assertFalse(withoutAuth.contains(WARNING), withoutAuth);
  }
}
