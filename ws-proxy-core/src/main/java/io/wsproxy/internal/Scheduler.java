package io.wsproxy.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon timer thread for an endpoint's timeouts (close, early frames, idle, back-pressure
 * polls). Tasks must be short and non-blocking. Cancelled tasks are removed at once, so per-connection
 * timers do not pile up. Thread-safe.
 */
public final class Scheduler {

  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final ScheduledThreadPoolExecutor executor;

  public Scheduler(String name) {
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, name + "-" + COUNT.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    executor = new ScheduledThreadPoolExecutor(1, tf);
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Runs {@code task} once after {@code delay}; a no-op future after shutdown. */
  public ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    try {
      return executor.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CANCELLED;
    }
  }

  /** Runs {@code task} every {@code period} until cancelled. */
  public ScheduledFuture<?> every(Duration period, Runnable task) {
    try {
      long n = period.toNanos();
      return executor.scheduleWithFixedDelay(guard(task), n, n, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CANCELLED;
    }
  }

  /**
   * Stops accepting tasks, runs those already scheduled that fall due within {@code grace} (close
   * timeouts of connections being shut down), then stops the thread.
   */
  public void shutdownAfter(Duration grace) {
    if (executor.isShutdown()) {
      return;
    }
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
    executor.schedule(executor::shutdownNow, grace.toNanos(), TimeUnit.NANOSECONDS);
    executor.shutdown();
  }

  /** Stops the thread now. */
  public void shutdownNow() {
    executor.shutdownNow();
  }

  /** {@code task}, logging (not throwing) what it throws, as every task of this scheduler does. */
  static Runnable guard(Runnable task) {
    return () -> runGuarded(task);
  }

  /** Runs {@code task}, logging (not throwing) what it throws. */
  static void runGuarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("timer task failed", e);
    }
  }

  private static final ScheduledFuture<?> CANCELLED = new CancelledFuture();

  /** What {@link #schedule} answers after shutdown: a task that will never run. */
  private static final class CancelledFuture implements ScheduledFuture<Object> {
    @Override public long getDelay(TimeUnit unit) { return 0; }
    @Override public int compareTo(java.util.concurrent.Delayed o) { return 0; }
    @Override public boolean cancel(boolean mayInterruptIfRunning) { return false; }
    @Override public boolean isCancelled() { return true; }
    @Override public boolean isDone() { return true; }
    @Override public Object get() { throw new java.util.concurrent.CancellationException(); }
    @Override public Object get(long timeout, TimeUnit unit) { return get(); }
  }
}
