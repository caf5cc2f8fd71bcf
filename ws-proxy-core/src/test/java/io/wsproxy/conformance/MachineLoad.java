package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this machine can time anything: the kit's latency bounds are asserted only while the
 * one-minute load average stays at most {@link #OVERLOADED_PER_CORE} per core. Above it the case
 * is reported as skipped (after its other assertions have passed): timing says nothing about a
 * transport on a machine whose run queue is several times its cores, as a shared build machine's
 * can be.
 */
final class MachineLoad {

  /** Load average per core above which latency bounds are not asserted. */
  static final double OVERLOADED_PER_CORE = 5;

  private MachineLoad() {}

  /**
   * Ends the test as skipped, with {@code seen} (what was measured) and the load, when the machine
   * is overloaded; returns otherwise. Call it right before the latency assertions, after the rest.
   */
  static void assumeNotOverloaded(String seen) {
    assumeLoadPerCoreAtMost(OVERLOADED_PER_CORE, seen);
  }

  /**
   * As {@link #assumeNotOverloaded}, with a threshold of the case's own: a bound of milliseconds
   * needs a machine whose threads get the CPU within milliseconds, a bound of seconds does not.
   */
  static void assumeLoadPerCoreAtMost(double perCore, String seen) {
    double load = loadAverage();
    int cores = Runtime.getRuntime().availableProcessors();
    assumeTrue(load <= perCore * cores, () -> seen + "; not held to the bound: the machine is "
        + "too busy to time it (load average " + load + " on " + cores + " cores, more than "
        + perCore + " per core)");
  }

  /** The one-minute load average, or 0 where {@code /proc/loadavg} cannot be read. */
  static double loadAverage() {
    try {
      String line = Files.readString(Path.of("/proc/loadavg"));
      return Double.parseDouble(line.substring(0, line.indexOf(' ')));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
