package io.wsproxy.netty;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** What the socket tests share: the wait bound and a teardown closing what a test opened, newest first. */
abstract class Resources {

  static final Duration AWAIT = Duration.ofSeconds(10);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** Registers {@code r} for teardown; answers it. */
  <T extends AutoCloseable> T register(T r) {
    resources.push(r);
    return r;
  }

  /**
   * A JDK WebSocket client from {@code builder}, open at {@code ws://127.0.0.1:port/} within
   * {@link #AWAIT}; the first text it receives completes {@code firstText}.
   */
  static WebSocket openAt(WebSocket.Builder builder, int port, CompletableFuture<String> firstText)
      throws Exception {
    return builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        firstText.complete(data.toString());
        return null;
      }
    }).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void closeAll() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }
}
