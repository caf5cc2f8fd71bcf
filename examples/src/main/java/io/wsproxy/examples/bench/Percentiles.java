package io.wsproxy.examples.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of recorded round-trip times. Pure; not thread-safe. */
public final class Percentiles {

  private final long[] sorted;

  /** Takes the first {@code count} values of {@code values} (copied, then sorted). */
  public Percentiles(long[] values, int count) {
    if (count < 0 || count > values.length) {
      throw new IllegalArgumentException("count must be 0.." + values.length + ": " + count);
    }
    this.sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
  }

  /** How many values were recorded. */
  public int count() {
    return sorted.length;
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} percent of the values
   * at or below it; {@link Double#NaN} when nothing was recorded.
   *
   * @param p in {@code (0, 100]}
   */
  public double percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("p must be in (0, 100]: " + p);
    }
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length); // 1-based
    return sorted[Math.max(rank, 1) - 1];
  }
}
