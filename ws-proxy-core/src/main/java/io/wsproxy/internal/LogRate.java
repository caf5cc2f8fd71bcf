package io.wsproxy.internal;

/**
 * A budget of log lines per second, so that a flood of refusals or failing dials (an attacker, a
 * dead upstream) cannot fill a disk: {@link #allow()} answers {@code true} for at most
 * {@code perSecond} calls in each second, and {@link #suppressed()} says how many were held back
 * since the last allowed line. Thread-safe.
 */
public final class LogRate {

  private static final long SECOND_NANOS = 1_000_000_000L;

  private final int perSecond;
  private long windowStart = System.nanoTime();
  private int used;
  private int held;

  public LogRate(int perSecond) {
    this.perSecond = perSecond;
  }

  /** Whether a line may be logged now. */
  public synchronized boolean allow() {
    long now = System.nanoTime();
    if (now - windowStart >= SECOND_NANOS) {
      windowStart = now;
      used = 0;
    }
    if (used < perSecond) {
      used++;
      return true;
    }
    held++;
    return false;
  }

  /** Lines held back since the previous call; resets the count. */
  public synchronized int suppressed() {
    int n = held;
    held = 0;
    return n;
  }
}
