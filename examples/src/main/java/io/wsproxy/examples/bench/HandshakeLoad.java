package io.wsproxy.examples.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Parallel loops that each open a WebSocket connection (TCP connect and upgrade) and close it (the
 * closing handshake and the server's end of TCP), again and again, until a total count or a time
 * limit is reached. Each loop has its own thread; {@link #run} returns when all have stopped.
 * Connections come from {@link Loopback#handshakeSource}: a proxy may count a closed connection
 * against its client's address for a while after the client saw it end.
 */
final class HandshakeLoad {

  /** What a run did. */
  record Result(long completed, long errors, long wallNanos, String firstError) {
    double perSecond() {
      return wallNanos == 0 ? 0 : completed * 1e9 / wallNanos;
    }
  }

  private HandshakeLoad() {}

  static Result run(int port, int loops, long maxCount, Duration limit)
      throws InterruptedException {
    AtomicLong tickets = new AtomicLong(maxCount);
    AtomicLong completed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long t0 = System.nanoTime();
    long deadline = t0 + limit.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      Thread t = new Thread(() -> {
        long n;
        while (System.nanoTime() < deadline && (n = tickets.getAndDecrement()) > 0) {
          try {
            BlockingWs.open(port, Loopback.handshakeSource(n)).close();
            completed.incrementAndGet();
          } catch (IOException e) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, e.toString());
          }
        }
      }, "bench-handshakes-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Result(completed.get(), errors.get(), System.nanoTime() - t0, firstError.get());
  }
}
