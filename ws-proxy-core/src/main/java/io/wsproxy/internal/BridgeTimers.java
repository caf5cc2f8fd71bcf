package io.wsproxy.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.function.IntSupplier;

/**
 * The timers of one {@link Bridge}, all on the proxy's one {@link Scheduler}: the connect safety net,
 * the idle check, the keepalive check of both legs and the close watchdog. Thread-safe: every method is called with the bridge's lock
 * held, and timer tasks take that lock themselves.
 *
 * <p>Idle detection reads an activity counter the relay bumps without locking; it checks every
 * quarter of the idle timeout and fires after four quiet checks in a row, so an idle connection is
 * closed between 1 and 1.25 times the timeout after its last message.
 */
final class BridgeTimers {

  private static final int IDLE_CHECKS = 4;

  private final Scheduler scheduler;
  private ScheduledFuture<?> connect;
  private ScheduledFuture<?> idle;
  private ScheduledFuture<?> watchdog;
  private ScheduledFuture<?> keepalive;
  private int lastActivity;
  private int quietChecks;

  BridgeTimers(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  void startConnect(Duration timeout, Runnable onTimeout) {
    connect = scheduler.schedule(timeout, onTimeout);
  }

  void cancelConnect() {
    cancel(connect);
  }

  /** Runs {@code onIdle} once {@code activity} has not changed for {@code timeout}; zero: never. */
  void startIdle(Duration timeout, IntSupplier activity, Runnable onIdle) {
    if (timeout.isZero()) {
      return;
    }
    lastActivity = activity.getAsInt();
    // in nanoseconds: Duration.dividedBy goes through BigDecimal, once per connection
    idle = scheduler.every(Duration.ofNanos(timeout.toNanos() / IDLE_CHECKS), () -> {
      int now = activity.getAsInt();
      if (now != lastActivity) {
        lastActivity = now;
        quietChecks = 0;
      } else if (++quietChecks >= IDLE_CHECKS) {
        cancel(idle);
        onIdle.run();
      }
    });
  }

  /**
   * Runs both legs' keepalive {@link Keepalive#CHECKS_PER_INTERVAL} times an {@code interval}, as
   * one task for the connection; zero: never. Called once, when OPEN.
   */
  void startKeepalive(Duration interval, Keepalive client, Keepalive upstream) {
    if (interval.isZero() || keepalive != null) {
      return;
    }
    keepalive = scheduler.every(Keepalive.checkPeriod(interval), () -> {
      client.run();
      upstream.run();
    });
  }

  /** Arms the watchdog once; later calls do nothing. */
  void armWatchdog(Duration delay, Runnable onExpiry) {
    if (watchdog == null) {
      watchdog = scheduler.schedule(delay, onExpiry);
    }
  }

  void cancelAll() {
    cancel(connect);
    cancel(idle);
    cancel(watchdog);
    cancel(keepalive);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
