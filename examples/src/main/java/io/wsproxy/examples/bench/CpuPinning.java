package io.wsproxy.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Where the bench's processes run when the proxies are pinned: the proxy under test (and nginx) on
 * its one CPU, the echo backend and the load generator (this JVM) on the other CPUs this process
 * may use, so that a proxy's CPU is its own. Unpinned, the load generator and the backend's loops
 * ran on the proxy's CPU a third of the time (perf sched, session 4), and the proxy's event loop
 * waited up to 2.2 ms for them: that was most of its p99. Thread-safe (pure, apart from
 * {@link #pinThisProcess}).
 */
final class CpuPinning {

  private CpuPinning() {}

  /**
   * The CPUs of {@code allowed} (a kernel CPU list such as {@code 0-3,6}) other than {@code proxyCpu},
   * as a list for {@code taskset -c}, or null when none is left.
   */
  static String others(String allowed, String proxyCpu) {
    TreeSet<Integer> cpus = new TreeSet<>(parse(allowed));
    cpus.remove(Integer.parseInt(proxyCpu));
    if (cpus.isEmpty()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    cpus.forEach(c -> out.add(Integer.toString(c)));
    return String.join(",", out);
  }

  /** The CPUs this process may run on, from {@code /proc/self/status}; null when unknown. */
  static String allowedCpus() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: nothing to pin to
    }
    return null;
  }

  /**
   * Pins every thread of this JVM, and the threads it starts later (they inherit it), to
   * {@code cpus} with {@code taskset -a -p}.
   *
   * @throws IOException when taskset failed (its output in the message)
   */
  static void pinThisProcess(String cpus) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus,
        Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("taskset -a -p -c " + cpus + " failed: " + output);
    }
  }

  private static List<Integer> parse(String list) {
    List<Integer> cpus = new ArrayList<>();
    for (String part : list.split(",")) {
      String range = part.trim();
      if (range.isEmpty()) {
        continue;
      }
      int dash = range.indexOf('-');
      int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
      int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
      for (int c = from; c <= to; c++) {
        cpus.add(c);
      }
    }
    return cpus;
  }
}
