package io.wsproxy.examples.bench;

/**
 * The CPU the load side of a phase used: this JVM (the load generator) and the echo backend, i.e.
 * this process's tree without the proxy under test. With the load pinned to fewer CPUs than it
 * could use, a phase whose load side is nearly saturated measured the load, not the proxy, and the
 * bench says so. Not thread-safe: one per phase.
 */
final class LoadSide {

  /** A load side busier than this share of its CPUs bounds a phase's figures. */
  static final double SATURATED = 0.9;

  private final ProcessHandle proxy;
  private final ProcStats.Sample all0;
  private final ProcStats.Sample proxy0;
  private final long t0 = System.nanoTime();

  private LoadSide(ProcessHandle proxy) {
    this.proxy = proxy;
    this.all0 = ProcStats.sample(ProcessHandle.current());
    this.proxy0 = proxy == null ? null : ProcStats.sample(proxy);
  }

  /** Starts measuring; {@code proxy} is the target's process (its CPU is not the load's), or null. */
  static LoadSide start(ProcessHandle proxy) {
    return new LoadSide(proxy);
  }

  /** The load side's CPU since {@link #start}, in CPUs (1.0: one CPU busy all the time). */
  double cpus() {
    double wallMicros = (System.nanoTime() - t0) / 1e3;
    return wallMicros <= 0 ? 0 : cpuMicros() / wallMicros;
  }

  /** The load side's CPU since {@link #start}, in microseconds. */
  double cpuMicros() {
    double all = ProcStats.sample(ProcessHandle.current()).cpuMicrosSince(all0);
    double target = proxy == null ? 0 : ProcStats.sample(proxy).cpuMicrosSince(proxy0);
    return all - target;
  }

  /** Whether {@code used} CPUs are a saturated load side on {@code available} CPUs. */
  static boolean saturated(double used, int available) {
    return available > 0 && used >= SATURATED * available;
  }
}
