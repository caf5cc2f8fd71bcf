package io.wsproxy.jdk.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's listener calls one at a time, in submission order, without holding a lock
 * while they run: whichever thread finds the lane idle drains it. This is how events from the JDK's
 * threads, the timer and callers of {@code abort()} reach one listener from one thread at a time.
 *
 * <p>{@link #run} drains in the calling thread (for JDK callbacks, already on a transport thread);
 * {@link #dispatch} drains on the executor, so that a caller of a channel method never finds the
 * listener called back from inside its own call. Thread-safe.
 */
final class SerialLane {

  private static final Logger log = LoggerFactory.getLogger(SerialLane.class);

  private final Executor executor;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Tasks submitted and not yet accounted for by a drain; the submitter that moves it from 0 drains. */
  private final AtomicInteger pending = new AtomicInteger();

  SerialLane(Executor executor) {
    this.executor = executor;
  }

  /** Runs {@code task} after those submitted before it; in this thread if the lane is idle. */
  void run(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      drain();
    }
  }

  /** Runs {@code task} after those submitted before it, never in this thread while the lane is idle. */
  void dispatch(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        log.debug("callback executor is shut down; running listener calls in the caller's thread");
        drain();
      }
    }
  }

  private void drain() {
    int missed = 1;
    do {
      for (Runnable task; (task = tasks.poll()) != null; ) {
        try {
          task.run();
        } catch (Throwable e) { // keep the lane alive: a stuck lane would silence the connection
          log.warn("listener task failed", e);
        }
      }
      missed = pending.addAndGet(-missed);
    } while (missed != 0);
  }
}
