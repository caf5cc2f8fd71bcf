package io.wsproxy.jdk.internal;

import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls to one channel's {@link WsListener}, through a {@link SerialLane}: one at a time, in
 * order, and none once the end has been reported (or silenced: a connect reported as failed, or
 * abandoned, tells the listener nothing).
 *
 * <p><b>Threading.</b> {@link #run} and {@link #dispatch} from any thread; {@link #isOpen} and
 * {@link #silence} only on the lane, which confines the flag.
 */
final class ListenerCalls {

  private static final Logger log = LoggerFactory.getLogger(ListenerCalls.class);

  private final WsListener listener;
  private final WsChannel channel;
  private final SerialLane lane;
  /** Confined to the lane: the end was reported or silenced. */
  private boolean closed;

  /** @param callbacks where {@link #dispatch}ed calls run */
  ListenerCalls(WsListener listener, WsChannel channel, Executor callbacks) {
    this.listener = listener;
    this.channel = channel;
    this.lane = new SerialLane(callbacks);
  }

  /** Runs {@code task} on the lane, in this thread if the lane is idle (for JDK and timer threads). */
  void run(Runnable task) {
    lane.run(task);
  }

  /** Runs {@code task} on the lane, never in this thread while it is idle (for callers' threads). */
  void dispatch(Runnable task) {
    lane.dispatch(task);
  }

  /** On the lane: whether the listener still hears events. */
  boolean isOpen() {
    return !closed;
  }

  /** On the lane: the listener hears nothing more, not even an end. */
  void silence() {
    closed = true;
  }

  /**
   * Queues the listener's last calls: {@code onError} when there is an error, then {@code onClose}.
   *
   * @param inPlace on a JDK or timer thread, where they may run at once; else (a caller's thread)
   *                they are handed to the pool, so no caller finds its listener called inside its
   *                own call
   */
  void reportEnd(int code, String reason, boolean remote, Throwable error, boolean inPlace) {
    Runnable report = () -> {
      if (closed) {
        return;
      }
      closed = true;
      if (error != null) {
        try {
          listener.onError(channel, error);
        } catch (RuntimeException e) {
          log.warn("listener failed in onError", e);
        }
      }
      try {
        listener.onClose(channel, code, reason, remote);
      } catch (RuntimeException e) {
        log.warn("listener failed in onClose", e);
      }
    };
    if (inPlace) {
      lane.run(report);
    } else {
      lane.dispatch(report);
    }
  }
}
