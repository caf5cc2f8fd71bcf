package io.wsproxy.jdk.internal;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only threads a connector creates: a small fixed pool of daemon threads that runs the
 * {@code HttpClient}'s tasks (when the connector created the client), listener calls handed off a
 * caller's thread, and every timer of every connection (close timeouts, liveness probes). Its size
 * does not depend on the number of connections or on bursts: threads are started lazily up to
 * {@code size} and never more.
 *
 * <p>Why one pool for both: a {@link ScheduledThreadPoolExecutor} is a fixed pool with a delay queue;
 * a task due now is a timer due now. Tasks must be short and never block (the JDK's tasks do not;
 * listeners must not, by the SPI's contract).
 *
 * <p><b>Shutdown.</b> {@link #shutdown()} lets timers already scheduled run when due (close timeouts
 * of connections still closing: they are bounded by the close timeout), drops periodic ones, and
 * ends the threads once nothing is left. Tasks handed to {@link #execute} afterwards run in the
 * handing thread: the JDK 17 client still hands over its last tasks after the last connection ended
 * and does not handle a rejection (its selector thread would fail).
 *
 * <p><b>Threading.</b> Thread-safe.
 */
public final class ConnectorThreads implements Executor {

  private static final Logger log = LoggerFactory.getLogger(ConnectorThreads.class);
  /** Distinguishes the pools of several connectors in thread names. */
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ScheduledThreadPoolExecutor pool;

  /**
   * @param size       most threads the pool runs
   * @param namePrefix threads are named {@code namePrefix-<pool>-<thread>}
   */
  public ConnectorThreads(int size, String namePrefix) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
    int poolId = POOLS.incrementAndGet();
    AtomicInteger threadIds = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, namePrefix + "-" + poolId + "-" + threadIds.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    pool = new ScheduledThreadPoolExecutor(size, factory);
    pool.setRemoveOnCancelPolicy(true); // cancelled per-connection timers must not pile up
    pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
    pool.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  /** Runs {@code task} on the pool; in this thread once the pool is shut down (see the class comment). */
  @Override
  public void execute(Runnable task) {
    try {
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Runs {@code task} once after {@code delay}; after shutdown, never (a cancelled future). */
  public ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    try {
      return pool.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return NEVER;
    }
  }

  /** Runs {@code task} every {@code period} until cancelled or shut down. */
  public ScheduledFuture<?> every(Duration period, Runnable task) {
    try {
      long nanos = period.toNanos();
      return pool.scheduleWithFixedDelay(guard(task), nanos, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return NEVER;
    }
  }

  /** Stops taking new timers; the threads end once the timers already due have run. Idempotent. */
  public void shutdown() {
    pool.shutdown();
  }

  /** Stops now, dropping pending timers (for tests and hosts that tear everything down). */
  public void shutdownNow() {
    pool.shutdownNow();
  }

  /** Whether every thread has ended after a shutdown. */
  public boolean isTerminated() {
    return pool.isTerminated();
  }

  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("timer task failed", e); // a bug: keep the pool's thread and the other timers alive
      }
    };
  }

  private static final ScheduledFuture<?> NEVER = new Never();

  /** What a timer scheduled after shutdown answers: a task that will never run. */
  private static final class Never implements ScheduledFuture<Object> {
    @Override public long getDelay(TimeUnit unit) { return 0; }
    @Override public int compareTo(Delayed o) { return 0; }
    @Override public boolean cancel(boolean mayInterruptIfRunning) { return false; }
    @Override public boolean isCancelled() { return true; }
    @Override public boolean isDone() { return true; }
    @Override public Object get() { throw new CancellationException("never scheduled"); }
    @Override public Object get(long timeout, TimeUnit unit) { return get(); }
  }
}
