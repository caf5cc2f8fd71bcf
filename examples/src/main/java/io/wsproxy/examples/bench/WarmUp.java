package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Unmeasured load before the measured phases: the same mix of traffic they run (64 B echo, 1 MiB
 * echo, handshakes), first for a fixed time; then, for a target with a JIT compiler, {@link
 * #HANDSHAKES} handshakes and short rounds of the mix for as long as the compiler is still busy
 * (at most a configured time). A JVM proxy compiles its hot paths on the
 * CPU it is pinned to: while C2 compiles (and recompiles after a deoptimisation), every figure
 * counts compiler time and the compiler's time slices delay the event loop. A target without JIT
 * compiler threads (nginx, the direct run) stops after the fixed time. Not thread-safe.
 */
final class WarmUp {

  /**
   * Handshakes a JVM proxy makes before settling. HotSpot compiles a method with C2 only after
   * thousands of calls (Tier4InvocationThreshold 5,000, Tier4CompileThreshold 15,000), and the
   * handshake path's methods run once or twice per connection: a time-based warm-up at a few
   * hundred handshakes per second leaves them in C1's profiling tier, to be compiled during the
   * measured phase.
   */
  static final int HANDSHAKES = 20_000;
  /** The longest those handshakes may take. */
  static final Duration HANDSHAKES_LIMIT = Duration.ofSeconds(30);
  /** One settling round. */
  static final Duration ROUND = Duration.ofSeconds(2);
  /** The JIT may use at most this share of one core in a round for the target to count as warm. */
  static final double QUIET_SHARE_OF_A_CORE = 0.05;

  private final BenchConfig cfg;
  private final PrintStream out;
  private final List<String> notes;

  WarmUp(BenchConfig cfg, PrintStream out, List<String> notes) {
    this.cfg = cfg;
    this.out = out;
    this.notes = notes;
  }

  /** Warms {@code target} up for {@code fixed}, then until its JIT is quiet (proxy may be null). */
  void run(String target, int port, ProcessHandle proxy, Duration fixed)
      throws InterruptedException {
    if (!fixed.isZero() && !mix(target, port, fixed)) {
      return;
    }
    if (proxy == null || cfg.settleLimit().isZero() || ProcStats.sample(proxy).jitTicks() == 0) {
      return; // no process of its own, no settling asked for, or no JIT (nginx)
    }
    long handshakes = HandshakeLoad.run(port, BenchConfig.HANDSHAKE_LOOPS, HANDSHAKES,
        HANDSHAKES_LIMIT).completed();
    long start = System.nanoTime();
    long limit = cfg.settleLimit().toNanos();
    double share = Double.NaN;
    while (System.nanoTime() - start < limit) {
      ProcStats.Sample before = ProcStats.sample(proxy);
      long t0 = System.nanoTime();
      if (!mix(target, port, ROUND)) {
        return;
      }
      ProcStats.Sample after = ProcStats.sample(proxy);
      share = after.jitMicrosSince(before) / ((System.nanoTime() - t0) / 1e3);
      if (isQuiet(share)) {
        break;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (isQuiet(share)) {
      out.printf(Locale.ROOT, "bench: %s: warm-up: %,d handshakes, then %.0f s more, until the "
          + "JIT compiler used %.1f%% of a core in %d s%n", target, handshakes, seconds,
          100 * share, ROUND.toSeconds());
    } else {
      notes.add(String.format(Locale.ROOT, "%s: the JIT compiler still used %.1f%% of a core "
          + "after %,d handshakes and %.0f s more warm-up (--warm-up-max): its figures include "
          + "compiling", target, 100 * share, handshakes, seconds));
    }
  }

  /** True when the JIT's share of a core in the last round is low enough to measure. */
  static boolean isQuiet(double shareOfACore) {
    return shareOfACore <= QUIET_SHARE_OF_A_CORE;
  }

  /**
   * Half the time small messages, a quarter each large ones and handshakes, as measured later;
   * false (with a note) when the target failed.
   */
  private boolean mix(String target, int port, Duration time) throws InterruptedException {
    try {
      EchoLoad.run(port, cfg.connections(), BenchConfig.SMALL, BenchConfig.MAX_ROUND_TRIPS,
          time.dividedBy(2));
      EchoLoad.run(port, BenchConfig.BIG_CONNECTIONS, BenchConfig.BIG,
          BenchConfig.MAX_BIG_ROUND_TRIPS, time.dividedBy(4));
      HandshakeLoad.run(port, BenchConfig.HANDSHAKE_LOOPS, BenchConfig.MAX_HANDSHAKES,
          time.dividedBy(4));
      return true;
    } catch (IOException e) {
      notes.add(target + " warm-up: " + e.getMessage());
      return false;
    }
  }
}
