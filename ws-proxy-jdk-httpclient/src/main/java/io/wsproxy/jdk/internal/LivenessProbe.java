package io.wsproxy.jdk.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;

/**
 * Finds upstream connections the JDK has silently lost. When the upstream's TCP connection ends
 * without a close frame while the JDK has no read demand outstanding (the listener is inside a
 * receive method, or reading is paused), the JDK 17 client fails internally
 * ({@code InternalError} in {@code TransportImpl.acknowledgeReception}) and never calls its listener
 * again. Nothing distinguishes such a connection from a quiet one, so after an interval without
 * inbound frames the probe sends a ping: a live upstream answers with a pong (any inbound frame
 * counts); a dead one either fails the write or leaves the ping unanswered for another interval,
 * and the probe declares it dead. While reading is paused a pong cannot be read, so the probe only
 * keeps writing pings there (the second write to a closed peer fails).
 *
 * <p><b>Threading.</b> Thread-safe. {@link #inbound()} is one volatile write, for the receive path;
 * the callbacks run on a pool thread with no lock held.
 */
final class LivenessProbe {

  private static final byte[] PAYLOAD = "ws-proxy-probe".getBytes(StandardCharsets.US_ASCII);

  private final ConnectorThreads timers;
  private final Duration interval;
  private final long intervalNanos;
  private final BooleanSupplier paused;
  private final Runnable sendPing;
  private final Runnable dead;

  private volatile long lastInboundNanos = System.nanoTime();

  private final Object lock = new Object();
  /** Guarded by lock: when the unanswered probe ping went out, or 0. */
  private long pingSentNanos;
  /** Guarded by lock. */
  private ScheduledFuture<?> task;
  /** Guarded by lock. */
  private boolean stopped;

  /**
   * @param interval how long without inbound frames before a ping, and how long a ping may stay
   *                 unanswered; {@link Duration#ZERO} disables the probe
   */
  LivenessProbe(ConnectorThreads timers, Duration interval, BooleanSupplier paused, Runnable sendPing,
      Runnable dead) {
    this.timers = timers;
    this.interval = interval;
    this.intervalNanos = interval.toNanos();
    this.paused = paused;
    this.sendPing = sendPing;
    this.dead = dead;
  }

  /** A probe ping's payload: a fresh buffer each time. */
  static ByteBuffer payload() {
    return ByteBuffer.wrap(PAYLOAD.clone());
  }

  /** Whether {@code pong} answers a probe ping (and so is not the listener's business). */
  static boolean isProbePong(ByteBuffer pong) {
    return pong.equals(ByteBuffer.wrap(PAYLOAD));
  }

  Duration interval() {
    return interval;
  }

  void start() {
    if (intervalNanos == 0) {
      return;
    }
    synchronized (lock) {
      if (!stopped && task == null) {
        task = timers.every(interval, this::tick);
      }
    }
  }

  /** A frame arrived: the upstream is alive. */
  void inbound() {
    lastInboundNanos = System.nanoTime();
  }

  /** Reading resumed after a pause: start judging from now. */
  void resumed() {
    synchronized (lock) {
      lastInboundNanos = System.nanoTime();
      pingSentNanos = 0;
    }
  }

  void stop() {
    ScheduledFuture<?> t;
    synchronized (lock) {
      stopped = true;
      t = task;
      task = null;
    }
    if (t != null) {
      t.cancel(false);
    }
  }

  private void tick() {
    boolean readingPaused = paused.getAsBoolean();
    long now = System.nanoTime();
    boolean ping = false;
    boolean gone = false;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      long lastInbound = lastInboundNanos;
      if (pingSentNanos != 0 && lastInbound - pingSentNanos >= 0) {
        pingSentNanos = 0; // answered
      }
      if (now - lastInbound < intervalNanos) {
        pingSentNanos = 0;
        return;
      }
      if (pingSentNanos == 0 || readingPaused) {
        pingSentNanos = now;
        ping = true;
      } else if (now - pingSentNanos >= intervalNanos) {
        gone = true;
      }
    }
    if (ping) {
      sendPing.run();
    } else if (gone) {
      stop();
      dead.run();
    }
  }
}
