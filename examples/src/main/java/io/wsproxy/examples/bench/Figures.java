package io.wsproxy.examples.bench;

import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;

/**
 * What the bench measured for one target (direct to the backend, ws-proxy, nginx). {@link
 * Double#NaN} marks a figure that does not apply (the direct run has no proxy process) or whose
 * phase failed.
 *
 * @param echoPerSecond    round trips per second, 64 B messages over all connections
 * @param p50Millis        median round trip
 * @param p99Millis        99th percentile round trip
 * @param cpuMicrosPerMsg  proxy CPU per relayed 64 B message (a round trip relays two)
 * @param cpuMillisPerMib  proxy CPU per relayed MiB, 1 MiB messages
 * @param handshakesPerSec opened and closed connections per second
 * @param rssKibPerIdle    resident memory per idle proxied connection
 * @param threads          threads of the proxy (all its processes) holding the idle connections
 * @param held             the many concurrent connections phase, or null when it did not run
 * @param flood            the flood toward a client that does not read, or null when it did not run
 */
public record Figures(String target, double echoPerSecond, double p50Millis, double p99Millis,
    double cpuMicrosPerMsg, double cpuMillisPerMib, double handshakesPerSec, double rssKibPerIdle,
    double threads, Held held, Flood flood) {

  /**
   * Many connections held open at once.
   *
   * @param asked    connections the phase opened (fitted to the target's descriptors)
   * @param relaying of them, those that echoed once when opened and once more when all were open
   * @param errors   failures: connections that did not open or echo, and closing handshakes that
   *                 did not complete
   * @param threads  threads of the proxy holding them
   * @param rssMib   resident memory of the proxy holding them
   */
  public record Held(int asked, int relaying, int errors, double threads, double rssMib) {}

  /**
   * A flood toward a client that stops reading, then reads it all.
   *
   * @param mib           MiB asked of the backend
   * @param rssGrowthMib  the proxy's highest RSS while the client did not read, minus its RSS just
   *                      before the request (NaN for the direct run)
   * @param intact        every byte arrived, in order, and no close came
   */
  public record Flood(int mib, double rssGrowthMib, boolean intact) {}

  /** A target with nothing measured yet. */
  public static Figures none(String target) {
    double n = Double.NaN;
    return new Figures(target, n, n, n, n, n, n, n, n, null, null);
  }

  Figures withEcho(double perSecond, double p50, double p99, double cpuMicros) {
    return new Figures(target, perSecond, p50, p99, cpuMicros, cpuMillisPerMib, handshakesPerSec,
        rssKibPerIdle, threads, held, flood);
  }

  Figures withBig(double cpuMillis) {
    return new Figures(target, echoPerSecond, p50Millis, p99Millis, cpuMicrosPerMsg, cpuMillis,
        handshakesPerSec, rssKibPerIdle, threads, held, flood);
  }

  Figures withHandshakes(double perSecond) {
    return new Figures(target, echoPerSecond, p50Millis, p99Millis, cpuMicrosPerMsg,
        cpuMillisPerMib, perSecond, rssKibPerIdle, threads, held, flood);
  }

  Figures withIdle(double rssKib, double threadCount) {
    return new Figures(target, echoPerSecond, p50Millis, p99Millis, cpuMicrosPerMsg,
        cpuMillisPerMib, handshakesPerSec, rssKib, threadCount, held, flood);
  }

  Figures withHeld(Held h) {
    return new Figures(target, echoPerSecond, p50Millis, p99Millis, cpuMicrosPerMsg,
        cpuMillisPerMib, handshakesPerSec, rssKibPerIdle, threads, h, flood);
  }

  Figures withFlood(Flood f) {
    return new Figures(target, echoPerSecond, p50Millis, p99Millis, cpuMicrosPerMsg,
        cpuMillisPerMib, handshakesPerSec, rssKibPerIdle, threads, held, f);
  }

  /**
   * The median of every figure of {@code runs} (of one target), NaNs left out (NaN when every run
   * has NaN); for the held connections and the flood, pass-or-fail figures, the worst run's: the
   * fewest relaying, the most errors, threads and RSS, the largest growth, intact only if every
   * run was.
   *
   * @throws IllegalArgumentException if {@code runs} is empty
   */
  public static Figures median(List<Figures> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("runs must not be empty");
    }
    List<Held> held = runs.stream().map(Figures::held).filter(Objects::nonNull).toList();
    List<Flood> floods = runs.stream().map(Figures::flood).filter(Objects::nonNull).toList();
    Held worstHeld = held.isEmpty() ? null : new Held(held.get(0).asked(),
        held.stream().mapToInt(Held::relaying).min().getAsInt(),
        held.stream().mapToInt(Held::errors).max().getAsInt(),
        worst(held.stream().mapToDouble(Held::threads)),
        worst(held.stream().mapToDouble(Held::rssMib)));
    Flood worstFlood = floods.isEmpty() ? null : new Flood(floods.get(0).mib(),
        worst(floods.stream().mapToDouble(Flood::rssGrowthMib)),
        floods.stream().allMatch(Flood::intact));
    return new Figures(runs.get(0).target(), median(runs, Figures::echoPerSecond),
        median(runs, Figures::p50Millis), median(runs, Figures::p99Millis),
        median(runs, Figures::cpuMicrosPerMsg), median(runs, Figures::cpuMillisPerMib),
        median(runs, Figures::handshakesPerSec), median(runs, Figures::rssKibPerIdle),
        median(runs, Figures::threads), worstHeld, worstFlood);
  }

  private static double median(List<Figures> runs, ToDoubleFunction<Figures> figure) {
    double[] v = runs.stream().mapToDouble(figure).filter(d -> !Double.isNaN(d)).sorted()
        .toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The largest value, NaNs left out (NaN when all are). */
  private static double worst(DoubleStream values) {
    return values.filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
  }
}
