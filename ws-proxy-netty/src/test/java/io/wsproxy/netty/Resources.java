package io.wsproxy.netty;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
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

  @AfterEach
  void closeAll() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }
}
