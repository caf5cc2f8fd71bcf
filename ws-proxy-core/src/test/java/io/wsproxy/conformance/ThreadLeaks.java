package io.wsproxy.conformance;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Finds threads a test started and did not stop: those of Java-WebSocket (servers, clients, their
 * connection-lost timers) and of ws-proxy itself ({@code ws-proxy-*}).
 */
public final class ThreadLeaks {

  /** Name prefixes of the threads the kit tracks. */
  static final List<String> TRACKED_PREFIXES = List.of("WebSocketSelector", "WebSocketWorker",
      "WebSocketConnectReadThread", "WebSocketWriteThread", "connectionLostChecker", "ws-proxy-");
  /** How often {@link #await} re-checks its condition. */
  private static final Duration POLL = Duration.ofMillis(20);

  private ThreadLeaks() {}

  /** The threads alive now. */
  public static Set<Thread> snapshot() {
    return Set.copyOf(Thread.getAllStackTraces().keySet());
  }

  /** Tracked threads alive now that were not in {@code before}. */
  public static List<Thread> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .filter(t -> TRACKED_PREFIXES.stream().anyMatch(p -> t.getName().startsWith(p)))
        .toList();
  }

  /**
   * Re-checks {@code condition} until it holds or {@code timeout} passes; answers whether it held.
   * For conditions nothing signals (a thread ending, a counter reaching zero).
   */
  public static boolean await(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        return condition.getAsBoolean();
      }
      LockSupport.parkNanos(POLL.toNanos());
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
