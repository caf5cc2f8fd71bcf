package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The header of a bench run: the machine, the commands, the pinning and the phase bounds. */
final class Machine {

  private Machine() {}

  /**
   * @param cpus     the CPUs the bench may use
   * @param loadCpus the CPUs of the backend and load generator, or null when not pinned
   */
  static void describe(BenchConfig cfg, int cpus, String loadCpus, PrintStream out) {
    out.println("bench: machine: " + cpuModel() + ", " + cpus
        + " CPUs, Linux " + System.getProperty("os.version") + ", Java "
        + System.getProperty("java.version"));
    out.println("bench: proxy under test: " + String.join(" ", cfg.proxyCommand()));
    out.println("bench: nginx: " + (cfg.nginx() == null ? "not run" : nginxVersion(cfg.nginx())
        + " (1 worker, config written by the bench)"));
    out.println("bench: " + (cfg.pinCpu() == null
        ? "proxies not pinned to a CPU"
        : "proxies pinned to CPU " + cfg.pinCpu() + " with taskset; backend and load generator "
            + (loadCpus == null ? "unpinned" : "pinned to CPU " + loadCpus)));
    out.printf("bench: phases: warm-up %d s, then up to %d s more while a JIT compiler is busy;"
            + " %d B echo x %d connections, %d s or %,d round trips;"
            + " 1 MiB echo x %d, %d s or %,d; handshakes x %d loops, %d s or %,d; %,d idle;"
            + " %s; %s%n",
        cfg.warmUp().toSeconds(), cfg.settleLimit().toSeconds(), BenchConfig.SMALL, cfg.connections(),
        cfg.echoLimit().toSeconds(), BenchConfig.MAX_ROUND_TRIPS, BenchConfig.BIG_CONNECTIONS,
        cfg.bigLimit().toSeconds(), BenchConfig.MAX_BIG_ROUND_TRIPS, BenchConfig.HANDSHAKE_LOOPS,
        cfg.handshakeLimit().toSeconds(), BenchConfig.MAX_HANDSHAKES, cfg.idle(),
        cfg.hold() == 0 ? "no held connections" : String.format("%,d held", cfg.hold()),
        cfg.floodMib() == 0 ? "no flood" : String.format("%d MiB flood, %d s not reading",
            cfg.floodMib(), cfg.floodStall().toSeconds()));
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux, or no /proc: say so below
    }
    return "unknown CPU";
  }

  private static String nginxVersion(String nginx) {
    try {
      Process p = new ProcessBuilder(nginx, "-v").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return v.replace("nginx version: ", "");
    } catch (IOException e) {
      return nginx + " (version unknown: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return nginx;
    }
  }
}
