package io.wsproxy.examples;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/** What the CLI and the embedding examples' {@code main} methods share. */
final class Examples {

  private Examples() {}

  /**
   * Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes {@code resource} (open
   * connections get 1001 Going Away) and returns.
   */
  static void runUntilStopped(AutoCloseable resource) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("closing failed: " + e);
      } finally {
        stopped.countDown();
      }
    }, "ws-proxy-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code 127.0.0.1} and the port given as the first argument, or port 0 (a free one). */
  static InetSocketAddress loopback(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    return new InetSocketAddress("127.0.0.1", port);
  }
}
