package io.wsproxy.examples.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The one table the bench prints: a row per figure, a column per target, and the ratio of the
 * proxy under test to nginx. Pure.
 */
public final class ResultTable {

  private record Row(String label, String format, ToDoubleFunction<Figures> value) {}

  private ResultTable() {}

  /**
   * Renders the table.
   *
   * @param direct   the baseline straight to the backend
   * @param proxy    the proxy under test
   * @param nginx    nginx, or null when it did not run
   * @param settings echo connections, idle connections, handshake loops (for the labels)
   */
  public static String render(Figures direct, Figures proxy, Figures nginx, int connections,
      int idle, int loops) {
    List<Row> rows = List.of(
        new Row("round trips/s, 64 B, " + connections + " connections", "%,.0f",
            Figures::echoPerSecond),
        new Row("p50 round trip, ms", "%.3f", Figures::p50Millis),
        new Row("p99 round trip, ms", "%.3f", Figures::p99Millis),
        new Row("proxy CPU per relayed 64 B message, us", "%.1f", Figures::cpuMicrosPerMsg),
        new Row("proxy CPU per relayed MiB, 1 MiB messages, ms", "%.2f",
            Figures::cpuMillisPerMib),
        new Row("handshakes/s (open+close), " + loops + " loops", "%,.0f",
            Figures::handshakesPerSec),
        new Row("RSS per idle proxied connection at " + idle + ", KiB", "%.1f",
            Figures::rssKibPerIdle),
        new Row("threads at " + idle + " idle connections", "%.0f", Figures::threads));
    String nginxName = nginx == null ? "nginx" : nginx.target();
    String ratioName = proxy.target() + " / " + nginxName;
    int labelWidth = rows.stream().mapToInt(r -> r.label.length()).max().orElse(10);
    String line = "%-" + labelWidth + "s  %12s  %12s  %12s  %s%n";
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, line, "figure", direct.target(), proxy.target(),
        nginxName, ratioName));
    for (Row r : rows) {
      double p = r.value.applyAsDouble(proxy);
      double n = nginx == null ? Double.NaN : r.value.applyAsDouble(nginx);
      sb.append(String.format(Locale.ROOT, line, r.label,
          cell(r.format, r.value.applyAsDouble(direct)), cell(r.format, p),
          nginx == null ? "not run" : cell(r.format, n), ratio(p, n)));
    }
    return sb.toString();
  }

  /** {@code p / n} as {@code 1.23x}, or {@code n/a} when either is missing or n is zero. */
  static String ratio(double p, double n) {
    if (Double.isNaN(p) || Double.isNaN(n) || n == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2fx", p / n);
  }

  private static String cell(String format, double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
  }
}
