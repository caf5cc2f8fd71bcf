package io.wsproxy.javawebsocket.internal;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The module's one daemon timer thread per adapter or connector: close and handshake timeouts, the
 * write-wakeup sweep and the writability watch. Tasks are short and never block. Cancelled tasks are
 * removed at once, so per-connection timeouts do not pile up. The thread starts with the first task.
 * Thread-safe. (The core has its own scheduler; a transport may not use core internals.)
 */
public final class Timer {

  private static final Logger log = LoggerFactory.getLogger(Timer.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** What {@link #schedule} returns once the timer is shut down: cancelling it does nothing. */
  public static final Future<?> NOT_SCHEDULED = java.util.concurrent.CompletableFuture.completedFuture(null);

  private final ScheduledThreadPoolExecutor executor;

  /** A timer whose thread is named {@code name-N}. */
  public Timer(String name) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name + "-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Runs {@code task} once after {@code delay}; nothing after shutdown. */
  public Future<?> schedule(Duration delay, Runnable task) {
    try {
      return executor.schedule(logged(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return NOT_SCHEDULED;
    }
  }

  /** Runs {@code task} every {@code period} until cancelled or shut down. */
  public Future<?> every(Duration period, Runnable task) {
    try {
      long n = period.toNanos();
      return executor.scheduleWithFixedDelay(logged(task), n, n, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return NOT_SCHEDULED;
    }
  }

  /** Takes no new tasks, runs the one-off tasks falling due within {@code grace}, then ends. */
  public void shutdownAfter(Duration grace) {
    if (executor.isShutdown()) {
      return;
    }
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    executor.schedule(executor::shutdownNow, grace.toNanos(), TimeUnit.NANOSECONDS);
    executor.shutdown();
  }

  /** Ends the thread now. */
  public void shutdownNow() {
    executor.shutdownNow();
  }

  private static Runnable logged(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("timer task failed", e);
      }
    };
  }
}
