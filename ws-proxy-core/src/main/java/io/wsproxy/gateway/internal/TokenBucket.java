package io.wsproxy.gateway.internal;

/**
 * A per-client message rate limit: {@code burst} tokens, refilled at {@code perSecond}, one taken
 * per message; it also counts refusals in a row so sustained abuse can be cut off. Thread-safe
 * (its methods are synchronized; the lock is uncontended in practice, as one client's messages
 * arrive one at a time).
 */
final class TokenBucket {

  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final double perNano;
  private final double burst;
  // guarded by this
  private double tokens;
  private long refilledAt;
  private int refusedInARow;

  TokenBucket(double perSecond, int burst, long nowNanos) {
    this.perNano = perSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  /**
   * Takes one token. Answers 0 when the message may pass, else how many messages in a row have
   * now been refused (1, 2, ...).
   */
  synchronized int take(long nowNanos) {
    long elapsed = nowNanos - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perNano);
      refilledAt = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      refusedInARow = 0;
      return 0;
    }
    return ++refusedInARow;
  }
}
