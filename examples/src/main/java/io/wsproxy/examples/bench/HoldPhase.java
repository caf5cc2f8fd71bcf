package io.wsproxy.examples.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The many-connections phase: holds {@code count} connections open through a target at once
 * (10,000 by default), each proven relayed end to end by one echo as it opens, then one more echo
 * on every one of them once all are open (not a sample: at a few thousand echoes a second that is
 * seconds), counting every failure, and reads the proxy's threads and RSS while it holds them.
 *
 * <p>A proxied connection holds two descriptors in the proxy (client and upstream), so a process
 * allowed {@code L} open files cannot hold {@code L / 2}: the count is fitted below what the
 * target's own limit allows ({@link #fit}), read from {@code /proc/PID/limits}, and a note says
 * so. Not thread-safe.
 */
final class HoldPhase {

  /**
   * Descriptors ws-proxy keeps back from connections when it fits its connection cap to {@code
   * ulimit -n} at start-up (core's {@code DescriptorBudget.RESERVED}; the CLI then caps connections
   * at {@code (limit - 256) / 2} and logs a WARN). The bench stays below that cap, for every target
   * alike, so the figure is one of capacity, not of the cap.
   */
  static final int RESERVED_DESCRIPTORS = 256;
  /** Connections kept below the cap at least, for the proxy's own sockets and pending closes. */
  static final int MARGIN = 50;

  private final PrintStream out;
  private final List<String> notes;

  HoldPhase(PrintStream out, List<String> notes) {
    this.out = out;
    this.notes = notes;
  }

  /**
   * The connections a process allowed {@code limit} descriptors can hold: {@code asked}, or when
   * two each do not fit, a round count (whole hundreds) at least {@value #MARGIN} below {@code
   * (limit - 256) / 2}: 9,800 for the limit of 20,000. Pure.
   */
  static int fit(int asked, long limit) {
    if (asked < 1) {
      throw new IllegalArgumentException("asked must be positive: " + asked);
    }
    long cap = (limit - RESERVED_DESCRIPTORS) / 2;
    if ((long) asked <= cap - MARGIN) {
      return asked;
    }
    long fitted = (cap - MARGIN) / 100 * 100;
    return (int) Math.max(1, Math.min(asked, fitted > 0 ? fitted : cap - MARGIN));
  }

  /**
   * Holds the connections through the proxy at {@code 127.0.0.1:port}. There is no direct run of
   * this phase: its figures (threads, RSS, descriptors) are the proxy process's.
   */
  Figures run(Figures f, int port, ProcessHandle proxy, int asked) throws InterruptedException {
    int count = asked;
    Optional<Long> limit = ProcStats.openFileLimit(proxy);
    if (limit.isPresent() && fit(asked, limit.get()) < asked) {
      count = fit(asked, limit.get());
      notes.add(String.format(Locale.ROOT, "%s: held %,d connections, not %,d: its process may "
          + "open %,d descriptors (Max open files in /proc/%d/limits), a proxied connection takes "
          + "two, and every target stays below ws-proxy's own cap of (limit - %d) / 2; raise "
          + "ulimit -n (soft and hard) to hold more", f.target(), count, asked, limit.get(),
          proxy.pid(), RESERVED_DESCRIPTORS));
    }
    progress(f, String.format(Locale.ROOT, "holding %,d connections", count));
    ProcStats.Sample before = ProcStats.sample(proxy);
    long t0 = System.nanoTime();
    try (IdleConnections held = IdleConnections.attempt(port, count)) {
      int opened = held.size();
      double openSeconds = (System.nanoTime() - t0) / 1e9;
      ProcStats.Sample at = ProcStats.sample(proxy);
      long descriptors = ProcStats.openFiles(proxy);
      int echoFailed = held.echoEach();
      int relaying = held.size();
      ProcStats.Sample after = ProcStats.sample(proxy);
      int closeFailed = held.closeAll();
      int openFailed = count - opened;
      int errors = openFailed + echoFailed + closeFailed;
      int threads = Math.max(at.threads(), after.threads());
      progress(f, String.format(Locale.ROOT, "%,d open in %.1f s; RSS %,d KiB before, %,d KiB "
          + "holding them (%.1f KiB each), %d threads, %,d descriptors", opened, openSeconds,
          before.rssKib(), at.rssKib(), (at.rssKib() - before.rssKib()) / (double) Math.max(1,
              opened), threads, descriptors));
      progress(f, String.format(Locale.ROOT, "%,d of %,d relayed a second echo; errors: %d open, "
          + "%d echo, %d close", relaying, count, openFailed, echoFailed, closeFailed));
      if (errors > 0) {
        notes.add(String.format(Locale.ROOT, "%s holding %,d connections: %d failed to open, %d "
            + "to echo again, %d to close; first: %s", f.target(), count, openFailed, echoFailed,
            closeFailed, held.firstFailure()));
      }
      return f.withHeld(new Figures.Held(count, relaying, errors, threads,
          Math.max(at.rssKib(), after.rssKib()) / 1024.0));
    }
  }

  private void progress(Figures f, String what) {
    out.println("bench: " + f.target() + ": " + what);
  }
}
