package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoadSideTest {

  @Test
  void aLoadSideAtNineTenthsOfItsCpusIsSaturated() {
    assertTrue(LoadSide.saturated(0.95, 1));
    assertTrue(LoadSide.saturated(1.8, 2));
    assertFalse(LoadSide.saturated(0.85, 1));
    assertFalse(LoadSide.saturated(1.0, 2));
  }

  @Test
  void theLoadSideOfThisJvmIsMeasuredInCpus() {
    LoadSide load = LoadSide.start(null);
    long end = System.nanoTime() + 200_000_000L;
    long spin = 0;
    while (System.nanoTime() < end) {
      spin++; // this JVM is the load side: it must show up as busy
    }
    double used = load.cpus();
    assertTrue(spin > 0 && used > 0.05 && used < 64, "load side CPUs: " + used);
    double micros = load.cpuMicros(); // at least the 0.05 of the 200 ms already counted
    assertTrue(micros > 10_000, "load side CPU, us: " + micros);
  }
}
