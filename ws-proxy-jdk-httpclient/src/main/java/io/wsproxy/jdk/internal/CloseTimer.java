package io.wsproxy.jdk.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * Cuts one connection whose closing handshake does not finish within the close timeout: armed when
 * a close frame is queued (ours, or the answer to the upstream's, which waits for our queued sends),
 * disarmed for good once the connection is gone.
 *
 * <p><b>Threading.</b> Thread-safe; the timeout runs on the connector's pool with no lock held.
 */
final class CloseTimer {

  private final ConnectorThreads timers;
  private final Duration timeout;
  private final Runnable onTimeout;

  private final Object lock = new Object();
  /** Guarded by lock. */
  private ScheduledFuture<?> task;
  /** Guarded by lock: the connection is gone, no timer is needed any more. */
  private boolean disarmed;

  CloseTimer(ConnectorThreads timers, Duration timeout, Runnable onTimeout) {
    this.timers = timers;
    this.timeout = timeout;
    this.onTimeout = onTimeout;
  }

  Duration timeout() {
    return timeout;
  }

  /** Starts the countdown; no-op when already armed or disarmed. */
  void arm() {
    synchronized (lock) {
      if (disarmed || task != null) {
        return;
      }
      task = timers.schedule(timeout, onTimeout);
    }
  }

  /** Cancels the countdown for good. Idempotent. */
  void disarm() {
    ScheduledFuture<?> t;
    synchronized (lock) {
      disarmed = true;
      t = task;
      task = null;
    }
    if (t != null) {
      t.cancel(false);
    }
  }
}
