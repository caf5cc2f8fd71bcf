package io.wsproxy.javawebsocket.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the connections of one {@code JavaWebSocketUpstreamConnector} share: the timer (connect and
 * close timeouts, the writability watch), and the count of connections still alive, so that the
 * timer ends once the connector is closed and the last of them has ended. Thread-safe.
 */
public final class ConnectorResources {

  private final Timer timer = new Timer("ws-proxy-jws-client-timer");
  private final WritabilityWatch watch = new WritabilityWatch(timer);
  private final AtomicInteger alive = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  Timer timer() {
    return timer;
  }

  WritabilityWatch watch() {
    return watch;
  }

  /** Counts a new connection; {@code false} once closed (the dial must fail). */
  boolean begin() {
    alive.incrementAndGet();
    if (closed.get()) {
      end();
      return false;
    }
    return true;
  }

  /** A connection counted by {@link #begin} has ended (failed, cancelled, or closed). */
  void end() {
    if (alive.decrementAndGet() == 0 && closed.get()) {
      timer.shutdownAfter(Duration.ZERO);
    }
  }

  /** Stops new dials; the timer ends once no connection is alive. Idempotent. */
  public void close() {
    if (closed.compareAndSet(false, true) && alive.get() == 0) {
      timer.shutdownAfter(Duration.ZERO);
    }
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return closed.get();
  }
}
