package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code bench --compare} measurement: CPU per relayed 64 B message of several targets that are
 * all running at once (each in its own process, pinned to the same CPU), measured in interleaved
 * rounds: round 1 runs the echo phase against A, B, C..., round 2 again, and so on. A difference
 * between two targets that is smaller than the drift of a busy machine between two runs (a few
 * percent against tens) shows up this way, because every round sees the same machine for each
 * target, and the per-round ratio to the first target cancels the drift. Prints every round and the
 * medians. Not thread-safe.
 */
final class Comparison {

  /** A running target: its column name, its port and its process (for CPU). */
  /**
   * {@code command} (a JVM running this CLI, from {@code -jar JAR} or {@code -cp JAR Main}) with
   * {@code jar} in place of its jar: the variant of a {@code --compare-jar} run.
   *
   * @throws IllegalArgumentException when the command runs no jar of its own
   */
  static List<String> withJar(List<String> command, String jar) {
    List<String> out = new ArrayList<>(command);
    int at = Math.max(out.indexOf("-jar"), out.indexOf("-cp"));
    if (at < 0 || at + 1 >= out.size()) {
      throw new IllegalArgumentException("the proxy command runs no jar to replace: " + command);
    }
    out.set(at + 1, jar);
    return out;
  }

  record Target(String name, int port, ProcessHandle process) {}

  private final BenchConfig cfg;
  private final PrintStream out;

  private final List<String> notes;

  Comparison(BenchConfig cfg, PrintStream out, List<String> notes) {
    this.cfg = cfg;
    this.out = out;
    this.notes = notes;
  }

  /**
   * Warms every target up, then runs {@code rounds} rounds of the 64 B phase over {@code targets}
   * (first is the reference of the ratios) and prints the result.
   */
  void run(List<Target> targets, int rounds, Duration phase)
      throws IOException, InterruptedException {
    for (Target t : targets) {
      out.println("bench: " + t.name() + ": warm-up");
      new WarmUp(cfg, out, notes).run(t.name(), t.port(), t.process(), cfg.warmUp());
    }
    double[][] cpu = new double[targets.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "bench: round %d:", r + 1));
      for (int i = 0; i < targets.size(); i++) {
        cpu[i][r] = cpuPerMessage(targets.get(i), phase);
        line.append(String.format(Locale.ROOT, "  %s %.2f us", targets.get(i).name(), cpu[i][r]));
      }
      out.println(line);
    }
    out.println();
    out.print(render(targets, cpu));
  }

  private double cpuPerMessage(Target t, Duration phase) throws IOException {
    ProcStats.Sample before = ProcStats.sample(t.process());
    EchoLoad.Result r;
    try {
      r = EchoLoad.run(t.port(), cfg.connections(), BenchConfig.SMALL, BenchConfig.MAX_ROUND_TRIPS,
          phase);
    } catch (IOException e) {
      throw new IOException(t.name() + ": " + e.getMessage(), e); // which target failed
    }
    ProcStats.Sample after = ProcStats.sample(t.process());
    if (r.roundTrips() == 0) {
      throw new IOException(t.name() + ": no round trip completed within " + phase);
    }
    return after.cpuMicrosSince(before) / (2.0 * r.roundTrips()); // a round trip relays two
  }

  /** The summary table: per target the median, min and max CPU per message and the median ratio. */
  static String render(List<Target> targets, double[][] cpu) {
    StringBuilder sb = new StringBuilder();
    String line = "%-40s  %10s  %10s  %10s  %14s%n";
    String ref = targets.get(0).name();
    sb.append(String.format(Locale.ROOT, line, "proxy CPU per relayed 64 B message, us",
        "median", "min", "max", "median / " + ref));
    for (int i = 0; i < targets.size(); i++) {
      double[] ratios = new double[cpu[i].length];
      for (int r = 0; r < ratios.length; r++) {
        ratios[r] = cpu[i][r] / cpu[0][r];
      }
      double[] sorted = cpu[i].clone();
      Arrays.sort(sorted);
      sb.append(String.format(Locale.ROOT, line, targets.get(i).name(),
          String.format(Locale.ROOT, "%.2f", median(cpu[i])),
          String.format(Locale.ROOT, "%.2f", sorted[0]),
          String.format(Locale.ROOT, "%.2f", sorted[sorted.length - 1]),
          String.format(Locale.ROOT, "%.3fx", median(ratios))));
    }
    return sb.toString();
  }

  /** The median of {@code values} (the mean of the middle two for an even count). */
  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Whether a {@code --compare} argument is for the JVM ({@code -D...}, {@code -X...}). */
  static boolean isJvmOption(String arg) {
    return arg.startsWith("-D") || arg.startsWith("-X");
  }

  /** Names for the targets: the proxy, the variant with its extra arguments, nginx. */
  static List<String> names(String proxyName, List<String> variantArgs, String variantJar,
      boolean nginx) {
    List<String> names = new ArrayList<>();
    names.add(proxyName);
    String variant = proxyName + (variantJar == null ? "" : " of " + variantJar);
    names.add(variantArgs.isEmpty() ? variant : variant + " " + String.join(" ", variantArgs));
    if (nginx) {
      names.add("nginx");
    }
    return names;
  }
}
