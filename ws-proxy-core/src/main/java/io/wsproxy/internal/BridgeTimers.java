package io.wsproxy.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The timers of one {@link Bridge}: the connect safety net, the idle check, the keepalive check of
 * both legs and the close watchdog. Thread-safe: every method is called with the bridge's lock held,
 * and timer tasks take that lock themselves.
 *
 * <p><b>Where they run.</b> On the server transport's affinity when it is a
 * {@link ScheduledExecutorService} (a Netty event loop: the thread of the client's channel, and of
 * its upstream when that is a Netty one too), so that arming and cancelling a connection's timers
 * takes no shared lock and wakes no other thread; otherwise, or when that executor refuses a task
 * (it is shutting down), on the proxy's one {@link Scheduler}. A task on the affinity takes the
 * bridge's lock on that thread, which never blocks it for long: nothing blocks while holding the
 * lock. A loop that shuts down drops its pending timers, and closes its channels as it does, so a
 * close still ends without its watchdog; the proxy's own shutdown
 * ({@link Scheduler#shutdownAfter}) does not stop timers on a loop that keeps running.
 *
 * <p>Idle detection reads an activity counter the relay bumps without locking; it checks every
 * quarter of the idle timeout and fires after four quiet checks in a row, so an idle connection is
 * closed between 1 and 1.25 times the timeout after its last message.
 */
final class BridgeTimers {

  private static final int IDLE_CHECKS = 4;

  private final Scheduler scheduler;
  private final ScheduledExecutorService loop; // the affinity, or null
  private ScheduledFuture<?> connect;
  private ScheduledFuture<?> idle;
  private ScheduledFuture<?> watchdog;
  private ScheduledFuture<?> keepalive;
  private int lastActivity;
  private int quietChecks;

  /**
   * @param affinity the server transport's affinity hint: the executor the timers run on when it is
   *                 a {@link ScheduledExecutorService}; anything else (or {@code null}) means
   *                 {@code scheduler}
   */
  BridgeTimers(Scheduler scheduler, Object affinity) {
    this.scheduler = scheduler;
    this.loop = affinity instanceof ScheduledExecutorService s ? s : null;
  }

  void startConnect(Duration timeout, Runnable onTimeout) {
    connect = schedule(timeout, onTimeout);
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
    idle = every(timeout.toNanos() / IDLE_CHECKS, () -> {
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
    keepalive = every(Keepalive.checkPeriod(interval).toNanos(), () -> {
      client.run();
      upstream.run();
    });
  }

  /** Arms the watchdog once; later calls do nothing. */
  void armWatchdog(Duration delay, Runnable onExpiry) {
    if (watchdog == null) {
      watchdog = schedule(delay, onExpiry);
    }
  }

  void cancelAll() {
    cancel(connect);
    cancel(idle);
    cancel(watchdog);
    cancel(keepalive);
  }

  private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    if (loop != null) {
      try {
        return loop.schedule(Scheduler.guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // the loop is shutting down: the proxy's own timer thread still runs it
      }
    }
    return scheduler.schedule(delay, task);
  }

  private ScheduledFuture<?> every(long periodNanos, Runnable task) {
    if (loop != null) {
      try {
        return loop.scheduleWithFixedDelay(Scheduler.guard(task), periodNanos, periodNanos,
            TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // as in schedule
      }
    }
    return scheduler.every(Duration.ofNanos(periodNanos), task);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
