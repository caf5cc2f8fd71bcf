package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The slow-reader phase: one connection through the target, with a small receive buffer, asks the
 * echo backend ({@code echo --flood}) for a flood of {@code mib} MiB, then does not read for a
 * while, sampling the proxy's RSS every {@value #SAMPLE_MILLIS} ms; then it reads everything,
 * checking every byte against {@link FloodPattern} (so order too) and that no close frame or end
 * of stream came first. A proxy with real back-pressure stops reading from the backend and holds
 * little; one that buffers grows by the flood or closes the connection. Not thread-safe.
 */
final class FloodPhase {

  /** The client's socket receive buffer (set before connecting, so the TCP window stays small). */
  static final int RECEIVE_BUFFER_BYTES = 16 * 1024;
  /** How often the proxy's RSS is read while the client does not read. */
  static final int SAMPLE_MILLIS = 100;

  private static final byte[] PRIMER = new byte[64];

  private final PrintStream out;
  private final List<String> notes;

  FloodPhase(PrintStream out, List<String> notes) {
    this.out = out;
    this.notes = notes;
  }

  /**
   * Floods through {@code 127.0.0.1:port}; {@code proxy} is null for the direct run, which has no
   * proxy RSS but shows that the backend and the client deliver every byte.
   */
  Figures run(Figures f, int port, ProcessHandle proxy, int mib, Duration stall)
      throws InterruptedException {
    long bytes = (long) mib << 20;
    progress(f, String.format(Locale.ROOT, "flood of %d MiB toward a client that stops reading "
        + "for %.1f s", mib, stall.toMillis() / 1000.0));
    FloodPattern.Checker checker = new FloodPattern.Checker();
    long rssBefore = -1;
    long rssMax = -1;
    String failure = null;
    boolean closed = false;
    long t0 = 0;
    boolean[] flooding = {false}; // the primer's echo is not part of the flood
    try (BlockingWs ws = BlockingWs.open(port, null, RECEIVE_BUFFER_BYTES, data -> {
      if (flooding[0]) {
        checker.accept(data);
      }
    })) {
      ws.echo(WsWire.maskedFrame(WsWire.BINARY, PRIMER), PRIMER.length); // relayed end to end
      flooding[0] = true;
      rssBefore = proxy == null ? -1 : ProcStats.sample(proxy).rssKib();
      ws.write(WsWire.maskedFrame(WsWire.TEXT,
          ("flood " + bytes).getBytes(StandardCharsets.US_ASCII)));
      rssMax = stall(proxy, stall, rssBefore);
      t0 = System.nanoTime();
      // a wrong byte ends the reading: the rest cannot make the flood intact again
      while (checker.received() < bytes && checker.inOrder() && !ws.closeReceived()) {
        if (ws.readSome(-1) < 0) {
          closed = true;
          failure = "the connection ended after " + checker.received() + " of " + bytes
              + " bytes";
          break;
        }
      }
      if (ws.closeReceived()) {
        closed = true;
        failure = "a close frame (" + ws.closeStatus() + ") came after " + checker.received()
            + " of " + bytes + " bytes";
      }
    } catch (IOException e) {
      if (failure == null) {
        failure = e.toString() + " after " + checker.received() + " of " + bytes + " bytes";
      }
    }
    double readSeconds = t0 == 0 ? Double.NaN : (System.nanoTime() - t0) / 1e9;
    boolean intact = failure == null && checker.received() == bytes && checker.inOrder();
    if (failure == null && !checker.inOrder()) {
      failure = "byte " + checker.firstMismatch() + " is not the pattern's: lost or reordered data";
    } else if (failure == null && checker.received() != bytes) {
      failure = checker.received() + " bytes came, not " + bytes;
    }
    double growthMib = proxy == null || rssBefore < 0 ? Double.NaN
        : (rssMax - rssBefore) / 1024.0;
    progress(f, String.format(Locale.ROOT, "%s%,d of %,d MiB read in %.1f s, in order: %s, "
        + "closed: %s", proxy == null || rssBefore < 0 ? ""
            : String.format(Locale.ROOT, "RSS %,d KiB before, at most %,d KiB while not reading; ",
                rssBefore, rssMax),
        checker.received() >> 20, mib, readSeconds, checker.inOrder() ? "yes" : "no",
        closed ? "yes" : "no"));
    if (failure != null) {
      notes.add(f.target() + " flood of " + mib + " MiB: " + failure);
    }
    return f.withFlood(new Figures.Flood(mib, growthMib, intact));
  }

  /** Waits {@code stall} without reading; the highest RSS of {@code proxy} meanwhile. */
  private static long stall(ProcessHandle proxy, Duration stall, long rssBefore)
      throws InterruptedException {
    long rssMax = rssBefore;
    long end = System.nanoTime() + stall.toNanos();
    while (System.nanoTime() < end) {
      // Sampling a process's RSS has no event to wait on: a fixed period is the measurement.
      long left = (end - System.nanoTime()) / 1_000_000;
      Thread.sleep(Math.max(1, Math.min(SAMPLE_MILLIS, left)));
      if (proxy != null) {
        rssMax = Math.max(rssMax, ProcStats.sample(proxy).rssKib());
      }
    }
    return rssMax;
  }

  private void progress(Figures f, String what) {
    out.println("bench: " + f.target() + ": " + what);
  }
}
