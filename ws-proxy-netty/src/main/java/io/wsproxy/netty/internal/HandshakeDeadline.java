package io.wsproxy.netty.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's handshake deadlines on one timer, armed for the earliest: the answer's (first
 * the request head's, {@link RequestHeadDecoder}; then the endpoint's decision's backstop,
 * {@link ServerUpgrade}) and the upstream dial's ({@link UpstreamDial}, when it dials from this
 * connection's loop while the endpoint takes the handshake; any other dial keeps its deadline on a
 * timer of its own, {@link #forDial}). A deadline set later than the timer
 * arms nothing: the timer fires, runs what is due, and arms itself again for the earliest left. A
 * handshake answered before its first deadline (nearly all of them) so schedules one timer for all
 * three, and each deadline keeps its own delay and its own outcome.
 *
 * <p><b>Threading.</b> Confined to the connection's event loop; the actions run there, and may set
 * or cancel deadlines themselves.
 */
final class HandshakeDeadline implements Runnable {

  /** The deadline of the handshake the endpoint is taking on this thread, if any. */
  private static final FastThreadLocal<HandshakeDeadline> TAKING = new FastThreadLocal<>();

  private final EventExecutor executor;
  private ScheduledFuture<?> timer;
  private long timerAt; // when the timer fires, on the executor's ticker
  private long answerAt;
  private Runnable onAnswerExpiry; // null: none due
  private long dialAt;
  private Runnable onDialExpiry; // null: none due

  HandshakeDeadline(EventExecutor executor) {
    this.executor = executor;
  }

  /**
   * Marks {@code deadline} as the one of the handshake the endpoint takes on this thread until
   * {@link #endTaking}, so that a dial it starts at once on the same loop shares its timer.
   */
  static void beginTaking(HandshakeDeadline deadline) {
    TAKING.set(deadline);
  }

  static void endTaking() {
    TAKING.set(null);
  }

  /**
   * Sets the dial's deadline on the timer of the handshake being taken on this thread, when there
   * is one on {@code loop} and it has no dial deadline yet, and answers that deadline (to
   * {@link #cancelDial} when the dial ends); {@code null}: the dial arms a timer of its own.
   */
  static HandshakeDeadline shareDial(EventExecutor loop, long delayNanos, Runnable onExpiry) {
    HandshakeDeadline d = TAKING.get();
    if (d == null || d.executor != loop || d.onDialExpiry != null) {
      return null;
    }
    d.setDial(delayNanos, onExpiry);
    return d;
  }

  /**
   * The dial's deadline on {@code loop}: on the timer of the handshake being taken there when it
   * can share it ({@link #shareDial}), else on a timer of its own. To {@link #cancelDial} when the
   * dial ends.
   */
  static HandshakeDeadline forDial(EventExecutor loop, long delayNanos, Runnable onExpiry) {
    HandshakeDeadline d = shareDial(loop, delayNanos, onExpiry);
    if (d == null) {
      d = new HandshakeDeadline(loop);
      d.setDial(delayNanos, onExpiry);
    }
    return d;
  }

  private void setDial(long delayNanos, Runnable onExpiry) {
    dialAt = now() + delayNanos;
    onDialExpiry = onExpiry;
    rearm();
  }

  /** Runs {@code onExpiry} {@code delayNanos} from now, in place of the answer's earlier deadline. */
  void set(long delayNanos, Runnable onExpiry) {
    answerAt = now() + delayNanos;
    onAnswerExpiry = onExpiry;
    rearm();
  }

  /** The answer came (or the connection is done): its deadline is no longer due. */
  void cancel() {
    onAnswerExpiry = null;
    rearm();
  }

  /** The dial ended: its deadline is no longer due. */
  void cancelDial() {
    onDialExpiry = null;
    rearm();
  }

  @Override
  public void run() {
    timer = null;
    long now = now();
    Runnable dial = null;
    Runnable answer = null;
    if (onDialExpiry != null && dialAt - now <= 0) {
      dial = onDialExpiry;
      onDialExpiry = null;
    }
    if (onAnswerExpiry != null && answerAt - now <= 0) {
      answer = onAnswerExpiry;
      onAnswerExpiry = null;
    }
    if (dial != null) {
      dial.run();
    }
    if (answer != null) {
      answer.run();
    }
    rearm();
  }

  /** The timer at the earliest deadline due, or none; a timer armed earlier is left to fire. */
  private void rearm() {
    boolean dialDue = onDialExpiry != null;
    boolean answerDue = onAnswerExpiry != null;
    if (!dialDue && !answerDue) {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      return;
    }
    long due = !dialDue ? answerAt : !answerDue ? dialAt
        : (dialAt - answerAt < 0 ? dialAt : answerAt);
    if (timer != null) {
      if (timerAt - due <= 0) {
        return; // it fires first, and arms itself again then
      }
      timer.cancel(false);
    }
    timerAt = due;
    timer = executor.schedule(this, Math.max(0, due - now()), TimeUnit.NANOSECONDS);
  }

  private long now() {
    return executor.ticker().nanoTime();
  }
}
