package io.wsproxy.gateway.internal;

import io.wsproxy.gateway.Cancellation;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Cancellation} that fires once: {@link #cancel()} runs every action registered before it,
 * and later registrations run at once. Actions run outside the lock. Thread-safe.
 */
final class CancelSignal implements Cancellation {

  private static final Logger log = LoggerFactory.getLogger(CancelSignal.class);

  private final Object lock = new Object();
  private List<Runnable> actions = new ArrayList<>(1); // guarded by lock; null once cancelled

  @Override
  public boolean isCancelled() {
    synchronized (lock) {
      return actions == null;
    }
  }

  @Override
  public void onCancel(Runnable action) {
    synchronized (lock) {
      if (actions != null) {
        actions.add(action);
        return;
      }
    }
    run(action);
  }

  /** Cancels; {@code true} for the call that did it. */
  boolean cancel() {
    List<Runnable> toRun;
    synchronized (lock) {
      if (actions == null) {
        return false;
      }
      toRun = actions;
      actions = null;
    }
    toRun.forEach(CancelSignal::run);
    return true;
  }

  private static void run(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("a cancellation action threw", e);
    }
  }
}
