package io.wsproxy.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The one table the bench prints: a row per figure, a column per target, and the ratio of the
 * proxy under test to nginx. Pure.
 */
public final class ResultTable {

  private record Row(String label, String format, ToDoubleFunction<Figures> value) {}

  /** The format of a figure that is 1 for yes and 0 for no. */
  private static final String YES_NO = "yes/no";

  private ResultTable() {}

  /**
   * Renders the table. The rows of the held connections and of the flood come when the proxy has
   * those figures; yes/no figures have no ratio.
   *
   * @param direct   the baseline straight to the backend
   * @param proxy    the proxy under test
   * @param nginx    nginx, or null when it did not run
   * @param settings echo connections, idle connections, handshake loops (for the labels)
   */
  public static String render(Figures direct, Figures proxy, Figures nginx, int connections,
      int idle, int loops) {
    List<Row> rows = new ArrayList<>(List.of(
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
        new Row("threads at " + idle + " idle connections", "%.0f", Figures::threads)));
    if (proxy.held() != null) {
      rows.add(new Row(String.format(Locale.ROOT, "connections held at once and relaying, of %,d",
          proxy.held().asked()), "%,.0f", held(Figures.Held::relaying)));
      rows.add(new Row("errors holding them (open, echo, close)", "%,.0f",
          held(Figures.Held::errors)));
      rows.add(new Row("threads holding them", "%.0f", held(Figures.Held::threads)));
      rows.add(new Row("RSS holding them, MiB", "%.1f", held(Figures.Held::rssMib)));
    }
    if (proxy.flood() != null) {
      rows.add(new Row("RSS growth, " + proxy.flood().mib()
          + " MiB flood, client not reading, MiB", "%.1f", flood(Figures.Flood::rssGrowthMib)));
      rows.add(new Row("flood: all bytes in order, nothing closed", YES_NO,
          flood(fl -> fl.intact() ? 1.0 : 0.0)));
    }
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
          nginx == null ? "not run" : cell(r.format, n),
          r.format.equals(YES_NO) ? "-" : ratio(p, n)));
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
    if (Double.isNaN(v)) {
      return "-";
    }
    if (format.equals(YES_NO)) {
      return v == 1 ? "yes" : "no";
    }
    return String.format(Locale.ROOT, format, v);
  }

  /** A figure of the held-connections phase; NaN where it did not run. */
  private static ToDoubleFunction<Figures> held(ToDoubleFunction<Figures.Held> value) {
    return f -> f.held() == null ? Double.NaN : value.applyAsDouble(f.held());
  }

  /** A figure of the flood phase; NaN where it did not run. */
  private static ToDoubleFunction<Figures> flood(ToDoubleFunction<Figures.Flood> value) {
    return f -> f.flood() == null ? Double.NaN : value.applyAsDouble(f.flood());
  }
}
