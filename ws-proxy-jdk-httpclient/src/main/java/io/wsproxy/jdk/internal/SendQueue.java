package io.wsproxy.jdk.internal;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of one {@link WebSocket}: sends run one at a time, in call order. The JDK allows
 * one pending text/binary send and one pending ping/pong send and fails the rest with
 * {@link IllegalStateException}; chaining every send (close included) behind the previous one keeps
 * the wire order equal to the call order.
 *
 * <p><b>Writability.</b> The queue counts the bytes queued or being written. When a data send
 * ({@link #offer}) leaves them past the {@link WaterMarks#high() high-water mark} it answers
 * {@code false}, and the queue stays unwritable until completed sends bring them down to the
 * {@link WaterMarks#low() low-water mark}; then {@code onWritable} runs, once per such episode, and
 * never without a {@code false} answered before. Sends are queued either way: the answer is advice.
 *
 * <p><b>Threading.</b> Thread-safe. A send starts on the thread that queued it when the queue is idle,
 * else on the thread that completed the previous send. No user code runs under {@link #lock}; the
 * failure callback runs with no lock held.
 */
final class SendQueue {

  private static final Logger log = LoggerFactory.getLogger(SendQueue.class);

  /** One queued send: what to call on the WebSocket, and the bytes it carries. */
  record Outbound(Function<WebSocket, CompletableFuture<WebSocket>> send, long bytes) {}

  /** Queued bytes above {@code high} make the queue unwritable; at or below {@code low} writable again. */
  record WaterMarks(long low, long high) {
    WaterMarks {
      if (low < 0 || high <= 0 || low > high) {
        throw new IllegalArgumentException(
            "water marks need 0 <= low <= high and high > 0: low=" + low + ", high=" + high);
      }
    }
  }

  private final WebSocket ws;
  private final Consumer<Throwable> onFailure;
  private final WaterMarks marks;
  private final Runnable onWritable;
  /** Written under {@link #lock}, read without it. */
  private final AtomicLong queuedBytes = new AtomicLong();

  private final Object lock = new Object();
  /** Sends not yet started; guarded by {@link #lock}. */
  private final ArrayDeque<Outbound> queue = new ArrayDeque<>();
  /** Whether a send is started and not completed (its completion starts the next); guarded by lock. */
  private boolean inFlight;
  /** Whether new sends are refused (a close is queued or the connection ended); guarded by lock. */
  private boolean closed;
  /** Completed once closed, empty and idle; guarded by lock. */
  private CompletableFuture<Void> drained;
  /** Passed the high-water mark and not yet back to the low one; guarded by lock. */
  private boolean unwritable;

  /**
   * @param onFailure  called when a send fails while the queue is still open (an I/O error or a
   *                   message the JDK refuses); not called for failures once closed
   * @param onWritable called (no lock held, possibly inside an {@link #offer}) when the queue drained
   *                   to the low-water mark after it had passed the high one, unless closed by then
   */
  SendQueue(WebSocket ws, Consumer<Throwable> onFailure, WaterMarks marks, Runnable onWritable) {
    this.ws = ws;
    this.onFailure = onFailure;
    this.marks = marks;
    this.onWritable = onWritable;
  }

  /**
   * Queues a send; answers whether the queue is still writable. {@code false} (and nothing sent) once
   * the queue is closed.
   */
  boolean offer(Outbound op) {
    if (!enqueue(op, false)) {
      return false;
    }
    // decided after the send started: one that completed at once leaves the queue writable, and
    // only an answered false may be followed by onWritable
    synchronized (lock) {
      if (queuedBytes.get() > marks.high()) {
        unwritable = true;
      }
      return !closed && !unwritable;
    }
  }

  /**
   * Queues a ping or pong: its bytes are counted, but it never makes the queue unwritable (a
   * liveness ping must not tell the caller to stop sending). {@code false} once closed.
   */
  boolean offerControl(Outbound op) {
    return enqueue(op, false);
  }

  /** Whether the queue is open and not past its high-water mark (see the class comment). */
  boolean isWritable() {
    synchronized (lock) {
      return !closed && !unwritable;
    }
  }

  /** Queues the last send (a close frame) and closes the queue; {@code false} if already closed. */
  boolean offerLast(Outbound op) {
    return enqueue(op, true);
  }

  /** Closes the queue and answers a future completed once every queued send has completed. */
  CompletableFuture<Void> closeAndDrain() {
    CompletableFuture<Void> done;
    boolean idle;
    synchronized (lock) {
      closed = true;
      if (drained == null) {
        drained = new CompletableFuture<>();
      }
      done = drained;
      idle = !inFlight && queue.isEmpty();
    }
    if (idle) {
      done.complete(null);
    }
    return done;
  }

  /** Closes the queue and drops the sends not yet started (the connection is gone). */
  void discard() {
    long dropped = 0;
    CompletableFuture<Void> done;
    synchronized (lock) {
      closed = true;
      for (Outbound op : queue) {
        dropped += op.bytes();
      }
      queue.clear();
      done = inFlight ? null : drained;
      queuedBytes.addAndGet(-dropped);
    }
    if (done != null) {
      done.complete(null);
    }
  }

  /** Bytes queued or being written and not yet completed. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  private boolean enqueue(Outbound op, boolean last) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closed = last;
      queue.add(op);
      queuedBytes.addAndGet(op.bytes());
      if (inFlight) {
        return true;
      }
      inFlight = true;
    }
    pump();
    return true;
  }

  /** Starts queued sends one after another; the caller holds the in-flight claim. */
  private void pump() {
    while (true) {
      Outbound op;
      CompletableFuture<Void> done = null;
      synchronized (lock) {
        op = queue.poll();
        if (op == null) {
          inFlight = false;
          if (closed) {
            done = drained;
          }
        }
      }
      if (op == null) {
        if (done != null) {
          done.complete(null);
        }
        return;
      }
      CompletableFuture<WebSocket> sent = start(op);
      if (!sent.isDone()) {
        // completes on a JDK thread, which then carries on with the queue
        sent.whenComplete((w, e) -> {
          completed(op, e);
          pump();
        });
        return;
      }
      completed(op, failureOf(sent)); // completed at once: loop instead of recursing
    }
  }

  private CompletableFuture<WebSocket> start(Outbound op) {
    try {
      return op.send().apply(ws);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void completed(Outbound op, Throwable error) {
    boolean writableAgain = false;
    synchronized (lock) {
      if (queuedBytes.addAndGet(-op.bytes()) <= marks.low() && unwritable) {
        unwritable = false;
        writableAgain = !closed;
      }
    }
    if (writableAgain) {
      onWritable.run();
    }
    if (error == null) {
      return;
    }
    Throwable cause = unwrap(error);
    boolean open;
    synchronized (lock) {
      open = !closed;
    }
    if (open) {
      onFailure.accept(cause);
    } else {
      log.debug("send failed while closing: {}", cause.toString());
    }
  }

  private static Throwable failureOf(CompletableFuture<?> done) {
    try {
      done.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return e;
    }
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
