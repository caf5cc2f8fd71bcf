package io.wsproxy.netty.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's handshake deadlines on one timer: the request head's
 * ({@link RequestHeadDecoder}), then the answer's backstop ({@link ServerUpgrade}), which comes
 * later. Moving the deadline later arms nothing: the timer armed for the earlier one fires, finds
 * the deadline not passed yet, and arms itself again for it. A handshake answered before the first
 * deadline (nearly all of them) so schedules one timer for both, and each deadline keeps its own
 * delay and its own outcome.
 *
 * <p><b>Threading.</b> Confined to the connection's event loop.
 */
final class HandshakeDeadline implements Runnable {

  private final EventExecutor executor;
  private ScheduledFuture<?> timer;
  private long timerAt; // when the timer fires, on the executor's ticker
  private long at; // the deadline
  private Runnable onExpiry; // null: cancelled, or run

  HandshakeDeadline(EventExecutor executor) {
    this.executor = executor;
  }

  /** Runs {@code onExpiry} {@code delayNanos} from now, in place of what was due before. */
  void set(long delayNanos, Runnable onExpiry) {
    long due = executor.ticker().nanoTime() + delayNanos;
    this.at = due;
    this.onExpiry = onExpiry;
    if (timer == null || due - timerAt < 0) { // none, or armed too late for this deadline
      if (timer != null) {
        timer.cancel(false);
      }
      arm(delayNanos, due);
    }
  }

  /** Nothing is due any more; the timer is cancelled. */
  void cancel() {
    onExpiry = null;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void run() {
    timer = null;
    Runnable expiry = onExpiry;
    if (expiry == null) {
      return;
    }
    long left = at - executor.ticker().nanoTime();
    if (left > 0) {
      arm(left, at); // the deadline moved later since the timer was armed
      return;
    }
    onExpiry = null;
    expiry.run();
  }

  private void arm(long delayNanos, long due) {
    timerAt = due;
    timer = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
  }
}
