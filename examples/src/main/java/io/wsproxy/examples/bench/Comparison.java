package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code bench --compare} measurement: CPU per relayed 64 B message, and handshakes (their
 * rate, the proxy's CPU per handshake and the load side's), of several targets that are all running
 * at once (each in its own process, pinned to the same CPU), measured in interleaved rounds: round 1
 * runs the echo phase and then the handshake phase against A, B, C..., round 2 again, and so on. A
 * difference between two targets that is smaller than the drift of a busy machine between two runs
 * (a few percent against tens) shows up this way, because every round sees the same machine for
 * each target, and the per-round ratio to the first target cancels the drift. The load side's CPU
 * per handshake tells whether a target's handshakes cost the client and the backend more, which
 * lowers the rate wherever the load side is the busier one. Prints every round and the medians.
 * Not thread-safe.
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
   * Warms every target up, then runs {@code rounds} rounds of the 64 B phase and the handshake phase
   * ({@link BenchConfig#HANDSHAKE_LOOPS} loops), each {@code phase} long, over {@code targets}
   * (first is the reference of the ratios) and prints the result.
   */
  void run(List<Target> targets, int rounds, Duration phase)
      throws IOException, InterruptedException {
    for (Target t : targets) {
      out.println("bench: " + t.name() + ": warm-up");
      new WarmUp(cfg, out, notes).run(t.name(), t.port(), t.process(), cfg.warmUp());
    }
    double[][] cpu = new double[targets.size()][rounds];
    Handshakes[][] hs = new Handshakes[targets.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "bench: round %d:", r + 1));
      for (int i = 0; i < targets.size(); i++) {
        cpu[i][r] = cpuPerMessage(targets.get(i), phase);
        hs[i][r] = handshakes(targets.get(i), phase);
        line.append(String.format(Locale.ROOT, "  %s %.2f us, %.0f hs/s %.0f us (load %.0f us)",
            targets.get(i).name(), cpu[i][r], hs[i][r].perSecond(), hs[i][r].proxyMicros(),
            hs[i][r].loadMicros()));
      }
      out.println(line);
    }
    out.println();
    out.print(render(targets, cpu));
    out.println();
    out.print(renderHandshakes(targets, hs));
  }

  /**
   * One round's handshakes of a target: completed per second, and the CPU microseconds per
   * handshake of the target's process and of the load side (this JVM and the echo backend).
   */
  record Handshakes(double perSecond, double proxyMicros, double loadMicros) {}

  private Handshakes handshakes(Target t, Duration phase)
      throws IOException, InterruptedException {
    LoadSide load = LoadSide.start(t.process());
    ProcStats.Sample before = ProcStats.sample(t.process());
    HandshakeLoad.Result r = HandshakeLoad.run(t.port(), BenchConfig.HANDSHAKE_LOOPS,
        BenchConfig.MAX_HANDSHAKES, phase);
    ProcStats.Sample after = ProcStats.sample(t.process());
    double loadMicros = load.cpuMicros();
    if (r.completed() == 0) {
      throw new IOException(t.name() + ": no handshake completed within " + phase
          + (r.firstError() == null ? "" : ": " + r.firstError()));
    }
    if (r.errors() > 0) {
      notes.add(t.name() + " handshakes: " + r.errors() + " failed in a round, first: "
          + r.firstError());
    }
    return new Handshakes(r.perSecond(), after.cpuMicrosSince(before) / r.completed(),
        loadMicros / r.completed());
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

  /**
   * The handshake table: per target the median handshakes per second and its median per-round
   * ratio to the first target, then the same for the proxy's CPU per handshake, and the median load
   * side's CPU per handshake.
   */
  static String renderHandshakes(List<Target> targets, Handshakes[][] hs) {
    StringBuilder sb = new StringBuilder();
    String line = "%-40s  %10s  %10s  %10s  %10s  %10s%n";
    String ref = "/ " + targets.get(0).name();
    sb.append(String.format(Locale.ROOT, line, "handshakes, " + BenchConfig.HANDSHAKE_LOOPS
        + " loops (medians)", "per s", ref, "CPU, us", ref, "load, us"));
    for (int i = 0; i < targets.size(); i++) {
      int rounds = hs[i].length;
      double[] rate = new double[rounds];
      double[] rateRatio = new double[rounds];
      double[] cpu = new double[rounds];
      double[] cpuRatio = new double[rounds];
      double[] load = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        rate[r] = hs[i][r].perSecond();
        rateRatio[r] = rate[r] / hs[0][r].perSecond();
        cpu[r] = hs[i][r].proxyMicros();
        cpuRatio[r] = cpu[r] / hs[0][r].proxyMicros();
        load[r] = hs[i][r].loadMicros();
      }
      sb.append(String.format(Locale.ROOT, line, targets.get(i).name(),
          String.format(Locale.ROOT, "%,.0f", median(rate)),
          String.format(Locale.ROOT, "%.3fx", median(rateRatio)),
          String.format(Locale.ROOT, "%.0f", median(cpu)),
          String.format(Locale.ROOT, "%.3fx", median(cpuRatio)),
          String.format(Locale.ROOT, "%.0f", median(load))));
    }
    return sb.toString();
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
