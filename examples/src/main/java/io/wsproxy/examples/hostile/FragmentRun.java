package io.wsproxy.examples.hostile;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run (b): connections each sending one-byte fragments of a binary message that never ends, as fast
 * as loopback takes them, until the proxy closes them (or {@code maxFragments} are out), while a
 * bystander round-trips a message every {@link #BYSTANDER_EVERY}; the proxy's RSS is sampled.
 */
final class FragmentRun {

  static final int BATCH = 4096;
  static final Duration BYSTANDER_EVERY = Duration.ofMillis(50);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private FragmentRun() {}

  /** What one flooder saw. */
  private record Flood(long fragments, int closeCode, double seconds, String error) {
    @Override
    public String toString() {
      return String.format("%,d fragments in %.1f s, then %s", fragments, seconds,
          error != null ? error : closeCode < 0 ? "the connection ended without a close frame"
              : "close " + closeCode);
    }
  }

  static void run(ProxyUnderTest proxy, int flooders, long maxFragments, PrintStream out)
      throws Exception {
    out.printf("fragments: %d connections of up to %,d one-byte fragments each%n", flooders,
        maxFragments);
    out.println("  proxy before: " + proxy.resources());
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong rssPeak = new AtomicLong();
    List<Long> tripMicros = new ArrayList<>(); // every bystander round trip, guarded by itself
    List<String> bystanderFailures = new ArrayList<>();
    Thread sampler = start("rss-sampler", () -> {
      while (!done.get()) {
        rssPeak.accumulateAndGet(proxy.rssKib(), Math::max);
        pause(Duration.ofMillis(200));
      }
    });
    RawWs bystander = RawWs.upgrade(proxy.port(), "/", READ_TIMEOUT);
    Thread bystanding = start("bystander", () -> {
      while (!done.get()) {
        long t0 = System.nanoTime();
        try {
          bystander.sendText("bystander");
          String back = bystander.readTextOrClose();
          if (!back.equals("bystander")) {
            synchronized (bystanderFailures) {
              bystanderFailures.add(back);
            }
            return;
          }
          long micros = (System.nanoTime() - t0) / 1000;
          synchronized (tripMicros) {
            tripMicros.add(micros);
          }
        } catch (IOException e) {
          synchronized (bystanderFailures) {
            bystanderFailures.add(e.toString());
          }
          return;
        }
        pause(BYSTANDER_EVERY);
      }
    });
    List<Flood> floods = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < flooders; i++) {
      threads.add(start("flooder-" + i, () -> {
        Flood f = flood(proxy.port(), maxFragments);
        synchronized (floods) {
          floods.add(f);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    done.set(true);
    bystanding.join();
    sampler.join();
    bystander.close();
    floods.forEach(f -> out.println("  flooder: " + f));
    out.println("  bystander: " + RoundTrips.summary(tripMicros) + ", failures "
        + bystanderFailures);
    out.printf("  proxy RSS peak %,d KiB; after: %s%n", rssPeak.get(), proxy.alive()
        ? proxy.resources() : "exited with " + proxy.exitCode());
    Probe after = Probe.once(proxy.port());
    out.println("  a new client afterwards: " + after);
  }

  private static Flood flood(int port, long maxFragments) {
    long t0 = System.nanoTime();
    long sent = 0;
    try (RawWs ws = RawWs.upgrade(port, "/", READ_TIMEOUT)) {
      byte[] buf = new byte[BATCH * RawWs.FRAGMENT_WIRE_BYTES];
      try {
        while (sent < maxFragments) {
          int n = (int) Math.min(BATCH, maxFragments - sent);
          ws.sendFragments(buf, n, sent == 0);
          sent += n;
        }
      } catch (IOException e) {
        // the proxy closed the connection: its close frame is waiting to be read
      }
      int code = ws.readCloseCode();
      return new Flood(sent, code, (System.nanoTime() - t0) / 1e9, null);
    } catch (IOException e) {
      return new Flood(sent, -1, (System.nanoTime() - t0) / 1e9, e.toString());
    }
  }

  private static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, "hostile-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // pacing a tool, not a test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
