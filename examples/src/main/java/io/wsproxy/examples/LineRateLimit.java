package io.wsproxy.examples;

import java.util.function.LongSupplier;

/**
 * A token bucket for log lines: {@code perSecond} lines a second on average, bursts of up to
 * {@code burst}. Lines over the limit are counted, and the count is handed to the next line let
 * through, so a flood shows as one "N suppressed" note instead of filling a disk. Thread-safe; the
 * lock is held only for arithmetic.
 */
final class LineRateLimit {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;
  private long suppressed;

  LineRateLimit(double perSecond, int burst, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("perSecond and burst must be positive: " + perSecond
          + ", " + burst);
    }
    this.perNano = perSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /**
   * Takes one token: answers -1 if the line must be dropped, else how many lines were dropped
   * since the last one let through (0 mostly).
   */
  synchronized long acquire() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens < 1) {
      suppressed++;
      return -1;
    }
    tokens -= 1;
    long dropped = suppressed;
    suppressed = 0;
    return dropped;
  }
}
