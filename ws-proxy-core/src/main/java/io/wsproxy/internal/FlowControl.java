package io.wsproxy.internal;

import io.wsproxy.Direction;
import io.wsproxy.spi.WsChannel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Back-pressure for one direction of a {@link Bridge}: {@code source}'s messages are sent to
 * {@code target}. When a send says {@code target} is not writable, a source that can pause is paused
 * until {@code target} reports {@code onWritable}; a source that cannot pause is tolerated until
 * {@code target} holds more than the proxy's {@code maxQueuedBytes}, then the bridge closes the slow
 * side. The bridge is told when a side drains; nothing polls.
 *
 * <p><b>Threading.</b> {@link #blocked} runs on the source's event thread, {@link #drained} on the
 * target's. The pause is taken before the flag is set and given back only by whoever clears the
 * flag, so a drain that races with the pause cannot leave the source paused for good.
 */
final class FlowControl {

  /** Queue checks of a source that cannot pause happen at most every this many relayed bytes. */
  static final long MAX_BYTES_BETWEEN_QUEUE_CHECKS = 256 * 1024;

  /** What the bridge does when a side cannot keep up. */
  interface Overflow {
    /** {@code receiver} passed its high-water mark and its sender was paused. */
    void paused(WsChannel receiver, Direction direction);

    /** {@code receiver} holds more than the proxy allows and its sender cannot be paused. */
    void queueOverflow(WsChannel receiver, Direction direction, long queuedBytes);
  }

  private final WsChannel source;
  private final WsChannel target;
  private final Direction direction;
  private final long maxQueuedBytes;
  private final long checkEvery;
  private final Overflow overflow;
  // a field with a VarHandle, not an AtomicBoolean: one object fewer live per direction
  private volatile boolean paused;
  private static final VarHandle PAUSED;

  static {
    try {
      PAUSED = MethodHandles.lookup().findVarHandle(FlowControl.class, "paused", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  private long bytesSinceCheck; // source's event thread only

  FlowControl(WsChannel source, WsChannel target, Direction direction, long maxQueuedBytes,
      Overflow overflow) {
    this.source = source;
    this.target = target;
    this.direction = direction;
    this.maxQueuedBytes = maxQueuedBytes;
    this.checkEvery = Math.min(maxQueuedBytes / 8 + 1, MAX_BYTES_BETWEEN_QUEUE_CHECKS);
    this.overflow = overflow;
  }

  /** A send of {@code bytes} to {@code target} answered "not writable". */
  void blocked(long bytes) {
    if (source.canPauseReading()) {
      if (paused) {
        return;
      }
      source.pauseReading();
      paused = true;
      overflow.paused(target, direction);
      // the target may have drained before the flag was set: its onWritable then found nothing
      if (target.isWritable()) {
        drained();
      }
      return;
    }
    bytesSinceCheck += bytes;
    if (bytesSinceCheck < checkEvery) {
      return;
    }
    bytesSinceCheck = 0;
    long queued = target.queuedBytes();
    if (queued > maxQueuedBytes) {
      overflow.queueOverflow(target, direction, queued);
    }
  }

  /** {@code target} drained: let the source go on. */
  void drained() {
    if (PAUSED.compareAndSet(this, true, false)) {
      source.resumeReading();
    }
  }

  boolean isPaused() {
    return paused;
  }
}
