package io.wsproxy.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The timers of one {@link Bridge}: the connect safety net, the idle and keepalive checks (one
 * periodic task for both legs and both checks) and the close watchdog. Thread-safe: every method is
 * called with the bridge's lock held, and timer tasks take that lock themselves.
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
  /** Most ticks of a shared check task per run of its more frequent check. */
  static final long MAX_TICKS_PER_CHECK = 2;

  private final Scheduler scheduler;
  private final ScheduledExecutorService loop; // the affinity, or null
  private ScheduledFuture<?> connect;
  private ScheduledFuture<?> checks; // idle and keepalive, one task where their periods allow
  private ScheduledFuture<?> secondChecks; // keepalive, when it could not share the task
  private ScheduledFuture<?> watchdog;
  private int lastActivity;
  private int quietChecks;
  private boolean idleDone;

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

  /**
   * Starts the checks of an open connection, as one periodic task where it can: the idle check
   * (runs {@code onIdle} once {@code activity} has not changed for {@code idleTimeout}) and both
   * legs' keepalive, run {@link Keepalive#CHECKS_PER_INTERVAL} times a {@code keepaliveInterval}.
   * Zero turns either off. Called once, when OPEN; later calls do nothing.
   *
   * <p>The task ticks at the greatest common divisor of the two check periods and runs each check
   * on its own ticks, so each keeps its period exactly (the defaults, 150 s and 7.5 s, tick every
   * 7.5 s and check idleness every 20th tick). Periods whose divisor would tick more than
   * {@link #MAX_TICKS_PER_CHECK} times per check of the more frequent one get a task each.
   */
  void startChecks(Duration idleTimeout, IntSupplier activity, Runnable onIdle,
      Duration keepaliveInterval, Keepalive client, Keepalive upstream) {
    if (checks != null) {
      return;
    }
    // in nanoseconds: Duration.dividedBy goes through BigDecimal, once per connection
    long idlePeriod = idleTimeout.isZero() ? 0 : Math.max(1, idleTimeout.toNanos() / IDLE_CHECKS);
    long keepalivePeriod =
        keepaliveInterval.isZero() ? 0 : Keepalive.checkPeriod(keepaliveInterval).toNanos();
    Runnable idleCheck = idlePeriod == 0 ? null : idleCheck(activity, onIdle);
    Runnable keepaliveCheck = keepalivePeriod == 0 ? null : () -> {
      client.run();
      upstream.run();
    };
    if (idleCheck == null || keepaliveCheck == null) {
      Runnable only = idleCheck == null ? keepaliveCheck : idleCheck;
      if (only != null) {
        checks = every(Math.max(idlePeriod, keepalivePeriod), only);
      }
      return;
    }
    long tick = gcd(idlePeriod, keepalivePeriod);
    if (Math.min(idlePeriod, keepalivePeriod) / tick > MAX_TICKS_PER_CHECK) {
      checks = every(idlePeriod, idleCheck);
      secondChecks = every(keepalivePeriod, keepaliveCheck);
      return;
    }
    checks = every(tick, new Ticks(idlePeriod / tick, idleCheck, keepalivePeriod / tick,
        keepaliveCheck));
  }

  private Runnable idleCheck(IntSupplier activity, Runnable onIdle) {
    lastActivity = activity.getAsInt();
    return () -> {
      if (idleDone) {
        return;
      }
      int now = activity.getAsInt();
      if (now != lastActivity) {
        lastActivity = now;
        quietChecks = 0;
      } else if (++quietChecks >= IDLE_CHECKS) {
        idleDone = true;
        onIdle.run();
      }
    };
  }

  /**
   * One periodic task for two checks: each runs every so many ticks, guarded on its own (a check
   * that throws does not skip the other).
   */
  private static final class Ticks implements Runnable {
    private final long firstEvery;
    private final Runnable first;
    private final long secondEvery;
    private final Runnable second;
    private long ticks;

    Ticks(long firstEvery, Runnable first, long secondEvery, Runnable second) {
      this.firstEvery = firstEvery;
      this.first = first;
      this.secondEvery = secondEvery;
      this.second = second;
    }

    @Override
    public void run() {
      long n = ++ticks;
      if (n % secondEvery == 0) {
        Scheduler.runGuarded(second);
      }
      if (n % firstEvery == 0) {
        Scheduler.runGuarded(first);
      }
    }
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** Arms the watchdog once; later calls do nothing. */
  void armWatchdog(Duration delay, Runnable onExpiry) {
    if (watchdog == null) {
      watchdog = schedule(delay, onExpiry);
    }
  }

  void cancelAll() {
    cancel(connect);
    cancel(checks);
    cancel(secondChecks);
    cancel(watchdog);
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
        Runnable guarded = task instanceof Ticks ? task : Scheduler.guard(task); // guards itself
        return loop.scheduleWithFixedDelay(guarded, periodNanos, periodNanos,
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
