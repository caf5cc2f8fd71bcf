package io.wsproxy.examples.bench;

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
 */
public record Figures(String target, double echoPerSecond, double p50Millis, double p99Millis,
    double cpuMicrosPerMsg, double cpuMillisPerMib, double handshakesPerSec, double rssKibPerIdle,
    double threads) {

  /** A target with nothing measured yet. */
  public static Figures none(String target) {
    double n = Double.NaN;
    return new Figures(target, n, n, n, n, n, n, n, n);
  }

  Figures withEcho(double perSecond, double p50, double p99, double cpuMicros) {
    return new Figures(target, perSecond, p50, p99, cpuMicros, cpuMillisPerMib, handshakesPerSec,
        rssKibPerIdle, threads);
  }

  Figures withBig(double cpuMillis) {
    return new Figures(target, echoPerSecond, p50Millis, p99Millis, cpuMicrosPerMsg, cpuMillis,
        handshakesPerSec, rssKibPerIdle, threads);
  }

  Figures withHandshakes(double perSecond) {
    return new Figures(target, echoPerSecond, p50Millis, p99Millis, cpuMicrosPerMsg,
        cpuMillisPerMib, perSecond, rssKibPerIdle, threads);
  }

  Figures withIdle(double rssKib, double threadCount) {
    return new Figures(target, echoPerSecond, p50Millis, p99Millis, cpuMicrosPerMsg,
        cpuMillisPerMib, handshakesPerSec, rssKib, threadCount);
  }
}
