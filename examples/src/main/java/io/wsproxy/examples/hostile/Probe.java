package io.wsproxy.examples.hostile;

import java.io.IOException;
import java.time.Duration;

/** A normal client's visit: upgrade, one text there and back, close. */
record Probe(boolean served, long micros, String detail) {

  /** How long a normal client waits for each step before it counts as not served. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  static Probe once(int port) {
    return once(port, TIMEOUT);
  }

  static Probe once(int port, Duration timeout) {
    long t0 = System.nanoTime();
    try (RawWs ws = RawWs.upgrade(port, "/", timeout)) {
      ws.sendText("probe");
      String back = ws.readTextOrClose();
      long us = (System.nanoTime() - t0) / 1000;
      return back.equals("probe") ? new Probe(true, us, "served")
          : new Probe(false, us, "answered " + back);
    } catch (IOException e) {
      return new Probe(false, (System.nanoTime() - t0) / 1000, e.toString());
    }
  }

  @Override
  public String toString() {
    return served ? String.format("served in %.1f ms", micros / 1000.0) : "not served: " + detail;
  }
}
