package io.wsproxy.javawebsocket.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one channel's listener events one at a time and in order, on whichever thread reports them:
 * a thread that finds the channel idle runs its event at once (the usual case: no allocation, no
 * hand-off); a thread that finds it busy (a close reported by the selector or the timer while a
 * worker delivers a message, or a listener closing its own channel) queues the event, and the busy
 * thread runs it next. No lock is held while an event runs.
 *
 * <p>Thread-safe. State owned by the events (the listener, "open", "closed") needs no further
 * synchronisation: only the thread that moved the counter from zero runs events until it drops back.
 */
final class SerialEvents {

  private final AtomicInteger wip = new AtomicInteger();
  private final ConcurrentLinkedQueue<Runnable> deferred = new ConcurrentLinkedQueue<>();

  /** Whether the caller may run its event now; if so it must call {@link #leave()} after it. */
  boolean tryEnter() {
    return wip.compareAndSet(0, 1);
  }

  /** Ends an event started after {@link #tryEnter()}, running events queued meanwhile. */
  void leave() {
    if (wip.decrementAndGet() != 0) {
      drain();
    }
  }

  /** Runs {@code event} now if idle, else after the events before it. */
  void run(Runnable event) {
    if (tryEnter()) {
      event.run();
      leave();
    } else {
      enqueue(event);
    }
  }

  /** Queues {@code event} behind the running one (or runs it when the channel went idle meanwhile). */
  void enqueue(Runnable event) {
    deferred.offer(event);
    if (wip.getAndIncrement() == 0) {
      drain();
    }
  }

  private void drain() {
    do {
      deferred.poll().run();
    } while (wip.decrementAndGet() != 0);
  }
}
