package io.wsproxy.conformance;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits that fail the test with a message saying what did not happen. */
final class Awaits {

  private Awaits() {}

  /** The queue's next element; fails if none arrives within {@code timeout}. */
  static <T> T next(BlockingQueue<T> queue, Duration timeout, String what)
      throws InterruptedException {
    T e = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new AssertionError(what + " within " + timeout);
    }
    return e;
  }

  /** The future's value; fails if it is not done within {@code timeout}. */
  static <T> T get(CompletableFuture<T> future, Duration timeout, String what)
      throws InterruptedException, ExecutionException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " within " + timeout);
    }
  }
}
