package io.wsproxy.examples.hostile;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run (a): many TCP connections that never send a byte, held past the handshake timeout, while a
 * normal client tries to get served every second; then they all close, and the run measures how
 * long until a normal client is served again.
 */
final class IdleRun {

  /** Longest the run waits for the proxy to serve again after the idle sockets closed. */
  static final long RECOVERY_LIMIT_MILLIS = 30_000;
  /** Normal clients served one after another once it serves again. */
  static final int AFTER_CLIENTS = 20;

  private IdleRun() {}

  static void run(ProxyUnderTest proxy, int sockets, int holdSeconds, PrintStream out)
      throws Exception {
    out.printf("idle: %,d idle sockets from %d attacker processes, held %d s%n", sockets,
        (sockets + Attackers.MAX_PER_PROCESS - 1) / Attackers.MAX_PER_PROCESS, holdSeconds);
    long t0 = System.nanoTime();
    try (Attackers attackers = new Attackers(proxy.port(), sockets)) {
      List<String> opened = attackers.awaitOpened();
      out.printf("  opened in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, opened);
      out.println("  proxy: " + proxy.resources());
      Map<String, Integer> during = new LinkedHashMap<>();
      for (int s = 0; s < holdSeconds; s++) {
        long next = System.nanoTime() + 1_000_000_000L;
        Probe p = Probe.once(proxy.port());
        during.merge(p.served() ? "served" : p.detail(), 1, Integer::sum);
        long left = next - System.nanoTime();
        if (left > 0) {
          Thread.sleep(left / 1_000_000); // pacing a tool, not a test
        }
      }
      out.println("  normal clients while held (one a second): " + during);
      out.println("  proxy at the end of the hold: " + proxy.resources());
      List<String> closed = attackers.closeAll();
      long closedAt = System.nanoTime();
      out.println("  attackers closed (peer-closed, still open): " + closed);
      Probe first;
      int attempts = 0;
      do {
        first = Probe.once(proxy.port());
        attempts++;
      } while (!first.served()
          && (System.nanoTime() - closedAt) / 1_000_000 < RECOVERY_LIMIT_MILLIS);
      out.printf("  served again %.0f ms after the idle sockets closed (%d attempts): %s%n",
          (System.nanoTime() - closedAt) / 1e6, attempts, first);
      int served = 0;
      long worstMicros = 0;
      for (int i = 0; i < AFTER_CLIENTS; i++) {
        Probe p = Probe.once(proxy.port());
        served += p.served() ? 1 : 0;
        worstMicros = Math.max(worstMicros, p.micros());
      }
      out.printf("  then %d of %d normal clients served, slowest %.1f ms%n", served, AFTER_CLIENTS,
          worstMicros / 1000.0);
      out.println("  proxy: " + (proxy.alive() ? "running, " + proxy.resources()
          : "exited with " + proxy.exitCode()));
    }
  }
}
