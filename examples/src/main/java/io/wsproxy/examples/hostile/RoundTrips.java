package io.wsproxy.examples.hostile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bystander's round-trip times of a run, summed up as count, median, 99th percentile and
 * maximum: the slowest alone does not tell one stall from a loop that serves a flooder in long
 * bursts all the time.
 */
final class RoundTrips {

  private RoundTrips() {}

  /** {@code micros} (round trips in microseconds, guarded by itself) as one line. */
  static String summary(List<Long> micros) {
    List<Long> sorted;
    synchronized (micros) {
      sorted = new ArrayList<>(micros);
    }
    if (sorted.isEmpty()) {
      return "no round trips";
    }
    Collections.sort(sorted);
    return String.format("%,d round trips, median %.1f ms, p99 %.1f ms, slowest %.1f ms",
        sorted.size(), at(sorted, 0.50), at(sorted, 0.99), sorted.get(sorted.size() - 1) / 1000.0);
  }

  /** The {@code q} quantile (nearest rank) of {@code sorted}, in milliseconds. */
  private static double at(List<Long> sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1)) / 1000.0;
  }
}
