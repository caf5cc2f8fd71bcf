package io.wsproxy.gateway.internal;

import io.wsproxy.internal.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;

/** Deadlines on the gateway's one timer thread. Thread-safe. */
final class Timeouts {

  private final Scheduler scheduler;

  Timeouts(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Fails {@code future} with a {@link TimeoutException} after {@code timeout}; answers it. */
  <T> CompletableFuture<T> within(CompletableFuture<T> future, Duration timeout) {
    ScheduledFuture<?> timer = scheduler.schedule(timeout, () -> future.completeExceptionally(
        new TimeoutException("no answer within " + timeout.toMillis() + " ms")));
    future.whenComplete((r, e) -> timer.cancel(false));
    return future;
  }
}
