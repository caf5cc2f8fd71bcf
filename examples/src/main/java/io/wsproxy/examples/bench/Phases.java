package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The measured phases run against one target: idle memory (on the still fresh process), warm-up,
 * 64 B echo, 1 MiB echo, handshakes, then the flood toward a client that does not read and the
 * many held connections (last, as they grow the proxy's heap and would weigh on the figures of any
 * phase after them; the held connections are not run direct). A phase that fails leaves its
 * figures {@link Double#NaN} and adds a note; the others still run. CPU and memory are those of
 * {@code proxy} (null for the direct baseline, which has no proxy process). Not thread-safe.
 */
final class Phases {

  private final BenchConfig cfg;
  private final PrintStream out;
  private final List<String> notes;
  private final int loadCpus;

  /** @param loadCpus the CPUs the load generator and backend may use */
  Phases(BenchConfig cfg, PrintStream out, List<String> notes, int loadCpus) {
    this.cfg = cfg;
    this.out = out;
    this.notes = notes;
    this.loadCpus = loadCpus;
  }

  Figures measure(String target, int port, ProcessHandle proxy) throws InterruptedException {
    Figures f = Figures.none(target);
    Duration warmUp = cfg.warmUp();
    if (proxy != null) {
      // Load every class and JIT the hottest paths first, so they are not counted as memory of
      // the idle connections; the rest of the warm-up comes after (a long one first would leave
      // garbage in the heap that the idle connections' memory could hide in).
      Duration first = min(Duration.ofSeconds(1), warmUp);
      new WarmUp(cfg, out, notes).run(target, port, null, first); // no settling yet
      f = idle(f, port, proxy);
      warmUp = warmUp.minus(first);
    }
    new WarmUp(cfg, out, notes).run(target, port, proxy, warmUp);
    f = echo(f, port, proxy);
    f = big(f, port, proxy);
    f = handshakes(f, port, proxy);
    if (cfg.floodMib() > 0) {
      f = new FloodPhase(out, notes).run(f, port, proxy, cfg.floodMib(), cfg.floodStall());
    }
    if (cfg.hold() > 0 && proxy != null) {
      f = new HoldPhase(out, notes).run(f, port, proxy, cfg.hold());
    }
    return f;
  }

  private Figures idle(Figures f, int port, ProcessHandle proxy) throws InterruptedException {
    progress(f, "holding " + cfg.idle() + " idle connections");
    ProcStats.Sample before = ProcStats.sample(proxy);
    try (IdleConnections idle = IdleConnections.open(port, cfg.idle())) {
      Thread.sleep(1000); // let the proxy finish what each connection set off (buffers, timers)
      ProcStats.Sample at = ProcStats.sample(proxy);
      progress(f, String.format("RSS %,d KiB before, %,d KiB at %d idle connections, %d threads",
          before.rssKib(), at.rssKib(), idle.size(), at.threads()));
      return f.withIdle((at.rssKib() - before.rssKib()) / (double) idle.size(), at.threads());
    } catch (IOException e) {
      notes.add(f.target() + " idle connections: " + e.getMessage());
      return f;
    }
  }

  private Figures echo(Figures f, int port, ProcessHandle proxy) {
    progress(f, "echo " + BenchConfig.SMALL + " B, " + cfg.connections() + " connections");
    try {
      LoadSide load = LoadSide.start(proxy);
      ProcStats.Sample c0 = sample(proxy);
      EchoLoad.Result r = nonEmpty(EchoLoad.run(port, cfg.connections(), BenchConfig.SMALL,
          BenchConfig.MAX_ROUND_TRIPS, cfg.echoLimit()));
      ProcStats.Sample c1 = sample(proxy);
      loadSide(f, "echo 64 B", load.cpus(), proxy != null);
      double cpuMicros = cpuMicros(c0, c1) / (2.0 * r.roundTrips());
      detail(f, r, cpuMicros * 2 * r.roundTrips());
      double user = c1 == null ? Double.NaN : c1.userPercentSince(c0);
      if (!Double.isNaN(user)) {
        progress(f, String.format("proxy CPU %.0f%% user, %.0f%% system (the kernel); %.1f%% of "
            + "it the JIT compiler", user, 100 - user, c1.jitPercentSince(c0)));
      }
      Percentiles p = r.percentiles();
      return f.withEcho(r.perSecond(), p.percentile(50) / 1e6, p.percentile(99) / 1e6, cpuMicros);
    } catch (IOException e) {
      notes.add(f.target() + " echo 64 B: " + e.getMessage());
      return f;
    }
  }

  private Figures big(Figures f, int port, ProcessHandle proxy) {
    progress(f, "echo 1 MiB, " + BenchConfig.BIG_CONNECTIONS + " connections");
    try {
      ProcStats.Sample c0 = sample(proxy);
      EchoLoad.Result r = nonEmpty(EchoLoad.run(port, BenchConfig.BIG_CONNECTIONS,
          BenchConfig.BIG, BenchConfig.MAX_BIG_ROUND_TRIPS, cfg.bigLimit()));
      ProcStats.Sample c1 = sample(proxy);
    double cpu = cpuMicros(c0, c1);
      detail(f, r, cpu);
      if (c1 != null) {
        progress(f, String.format("%.1f%% of the proxy CPU the JIT compiler", c1.jitPercentSince(c0)));
      }
      // each round trip relays 1 MiB each way
      return f.withBig(cpu / 1000.0 / (2.0 * r.roundTrips()));
    } catch (IOException e) {
      notes.add(f.target() + " echo 1 MiB: " + e.getMessage());
      return f;
    }
  }

  private Figures handshakes(Figures f, int port, ProcessHandle proxy)
      throws InterruptedException {
    progress(f, "handshakes, " + BenchConfig.HANDSHAKE_LOOPS + " loops");
    LoadSide load = LoadSide.start(proxy);
    ProcStats.Sample c0 = sample(proxy);
    HandshakeLoad.Result r = HandshakeLoad.run(port, BenchConfig.HANDSHAKE_LOOPS,
        BenchConfig.MAX_HANDSHAKES, cfg.handshakeLimit());
    ProcStats.Sample c1 = sample(proxy);
    loadSide(f, "handshakes", load.cpus(), proxy != null);
    double cpu = cpuMicros(c0, c1);
    // CPU per handshake tells a proxy that is busy from one that waits (on the upstream, on timers)
    progress(f, String.format("%,d handshakes in %.1f s%s", r.completed(), r.wallNanos() / 1e9,
        Double.isNaN(cpu) || r.completed() == 0 ? ""
            : String.format(", proxy CPU %.0f us per handshake (%.0f%% of one core, %.0f%% user,"
                + " %.1f%% the JIT compiler)", cpu / r.completed(),
                100 * cpu / (r.wallNanos() / 1e3), c1.userPercentSince(c0),
                c1.jitPercentSince(c0))));
    if (r.errors() > 0) {
      notes.add(f.target() + " handshakes: " + r.errors() + " failed, first: " + r.firstError());
    }
    return f.withHandshakes(r.perSecond());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** A run that completed nothing has no figures (and would divide by zero). */
  private static EchoLoad.Result nonEmpty(EchoLoad.Result r) throws IOException {
    if (r.roundTrips() == 0) {
      throw new IOException("no round trip completed within the time limit");
    }
    return r;
  }

  private void detail(Figures f, EchoLoad.Result r, double cpuMicros) {
    progress(f, String.format("%,d round trips in %.1f s%s", r.roundTrips(), r.wallNanos() / 1e9,
        Double.isNaN(cpuMicros) ? "" : String.format(", proxy CPU %.2f s", cpuMicros / 1e6)));
  }

  /**
   * Prints what the load side used, and a note when it was saturated in front of a proxy (it
   * bounded the phase; the direct run is bounded by its load by design).
   */
  private void loadSide(Figures f, String phase, double used, boolean proxied) {
    progress(f, String.format("load generator and backend used %.2f of their %d CPU%s", used,
        loadCpus, loadCpus == 1 ? "" : "s"));
    if (proxied && LoadSide.saturated(used, loadCpus)) {
      notes.add(String.format("%s %s: the load generator and backend used %.2f of their %d CPUs,"
          + " so the load may have bounded this phase's figures, not the proxy", f.target(), phase,
          used, loadCpus));
    }
  }

  private void progress(Figures f, String what) {
    out.println("bench: " + f.target() + ": " + what);
  }

  private static ProcStats.Sample sample(ProcessHandle proxy) {
    return proxy == null ? null : ProcStats.sample(proxy);
  }

  /** CPU between two samples in microseconds; NaN without a proxy process. */
  private static double cpuMicros(ProcStats.Sample before, ProcStats.Sample after) {
    if (before == null || after == null) {
      return Double.NaN;
    }
    return after.cpuMicrosSince(before);
  }
}
