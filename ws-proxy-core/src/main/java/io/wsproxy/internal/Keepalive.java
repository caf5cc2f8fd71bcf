package io.wsproxy.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Liveness of one leg of a {@link Bridge}, run {@link #CHECKS_PER_INTERVAL} times a keepalive
 * interval on the scheduler: it pings a side that was heard from (a message or a pong) at none of
 * the checks of the last interval, and declares it frozen at the last check before two intervals
 * of silence. A peer whose TCP connection froze (no FIN, no RST) is so cut within two intervals of
 * its last sign of life, and a live peer has three quarters of an interval to answer the ping.
 *
 * <p>Why quarters: the relay only bumps a counter per message (no clock read per message), so a
 * check knows that something was heard since the previous check, not when. The last sign of life
 * lies up to one check period before the check that saw it; to cut before two intervals, the cut
 * must come one period early. With checks every half interval that leaves the ping half an
 * interval to be answered; with quarters, three quarters, for four cheap checks per interval.
 *
 * <p><b>Threading.</b> {@link #run} runs on the scheduler's one thread only; {@code heard} is read
 * from a counter the relay bumps on the side's event thread.
 */
final class Keepalive implements Runnable {

  /** Checks per keepalive interval. */
  static final int CHECKS_PER_INTERVAL = 4;
  /** Quiet checks after which the leg is pinged: one interval. */
  static final int PING_AT = CHECKS_PER_INTERVAL;
  /** Quiet checks after which the leg is cut: the last check before two intervals. */
  static final int CUT_AT = 2 * CHECKS_PER_INTERVAL - 1;

  /** One leg as the keepalive sees it. */
  interface Leg {
    /** Sends a ping. */
    void ping(ByteBuffer payload);

    /** The leg stayed silent through its ping, for (nearly) two intervals. */
    void frozen();
  }

  private final LongSupplier heard;
  private final Leg leg;
  private long lastHeard;
  private int quietChecks;
  private boolean done;

  Keepalive(LongSupplier heard, Leg leg) {
    this.heard = heard;
    this.leg = leg;
    this.lastHeard = heard.getAsLong();
  }

  /** How often {@link #run} must run for keepalive {@code interval} (at least every nanosecond). */
  static Duration checkPeriod(Duration interval) {
    return Duration.ofNanos(Math.max(1, interval.toNanos() / CHECKS_PER_INTERVAL));
  }

  @Override
  public void run() {
    if (done) {
      return;
    }
    long now = heard.getAsLong();
    if (now != lastHeard) {
      lastHeard = now;
      quietChecks = 0;
      return;
    }
    quietChecks++;
    if (quietChecks == PING_AT) {
      leg.ping(ByteBuffer.allocate(0));
    } else if (quietChecks >= CUT_AT) {
      done = true;
      leg.frozen();
    }
  }
}
