package io.wsproxy.internal;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * Liveness of one leg of a {@link Bridge}: run every keepalive interval on the scheduler, it pings a
 * side that was heard from (a message or a pong) during none of the last interval, and declares it
 * frozen when it is still silent one interval after the ping. A peer whose TCP connection froze
 * (no FIN, no RST) is so noticed within two intervals of its last sign of life.
 *
 * <p><b>Threading.</b> {@link #run} runs on the scheduler's one thread only; {@code heard} is read
 * from a counter the relay bumps on the side's event thread.
 */
final class Keepalive implements Runnable {

  /** One leg as the keepalive sees it. */
  interface Leg {
    /** Sends a ping. */
    void ping(ByteBuffer payload);

    /** The leg stayed silent an interval after its ping. */
    void frozen();
  }

  private final LongSupplier heard;
  private final Leg leg;
  private long lastHeard;
  private boolean pinged;
  private boolean done;

  Keepalive(LongSupplier heard, Leg leg) {
    this.heard = heard;
    this.leg = leg;
    this.lastHeard = heard.getAsLong();
  }

  @Override
  public void run() {
    if (done) {
      return;
    }
    long now = heard.getAsLong();
    if (now != lastHeard) {
      lastHeard = now;
      pinged = false;
    } else if (!pinged) {
      pinged = true;
      leg.ping(ByteBuffer.allocate(0));
    } else {
      done = true;
      leg.frozen();
    }
  }
}
