package io.wsproxy.examples.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI proxy under attack, in a child JVM started from this JVM's class path ({@code java -cp
 * ... io.wsproxy.examples.Main proxy ...}), so the runs measure exactly the CLI a user starts. Its
 * output goes to a log file; its RSS, threads and open descriptors are read from {@code /proc}.
 */
final class ProxyUnderTest implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on ws://[^\\s]+:(\\d+)");
  private static final long START_TIMEOUT_SECONDS = 30;

  private final Process process;
  private final int port;
  final Path log;

  private ProxyUnderTest(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code proxy --listen 127.0.0.1:0 --route /=<upstream> --server <server>} with
   * {@code jvmArgs} and {@code extraArgs}; returns once it listens.
   */
  static ProxyUnderTest start(String server, String upstream, List<String> jvmArgs,
      List<String> extraArgs, Path log) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.wsproxy.examples.Main",
        "proxy", "--listen", "127.0.0.1:0", "--route", "/=" + upstream, "--server", server));
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    // copy the child's output to the log, noting the port on the way
    int[] port = {0};
    Object lock = new Object();
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            synchronized (lock) {
              port[0] = Integer.parseInt(m.group(1));
              lock.notifyAll();
            }
          }
        }
      } catch (IOException e) {
        // the child ended
      }
    }, "hostile-proxy-log");
    pump.setDaemon(true);
    pump.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    synchronized (lock) {
      while (port[0] == 0 && p.isAlive() && System.nanoTime() < deadline) {
        lock.wait(100);
      }
    }
    if (port[0] == 0) {
      p.destroyForcibly();
      throw new IOException("the proxy did not start; see " + log);
    }
    return new ProxyUnderTest(p, port[0], log);
  }

  int port() {
    return port;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The exit code, or -1 while it runs. */
  int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** {@code VmRSS} in KiB, threads and open descriptors, read from {@code /proc/<pid>}. */
  String resources() {
    long pid = process.pid();
    try {
      String status = Files.readString(Path.of("/proc", String.valueOf(pid), "status"));
      long rss = field(status, "VmRSS");
      long threads = field(status, "Threads");
      long fds;
      try (var s = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
        fds = s.count();
      }
      return String.format("RSS %,d KiB, %d threads, %,d descriptors", rss, threads, fds);
    } catch (IOException | RuntimeException e) {
      return "(resources unreadable: " + e + ")";
    }
  }

  /** {@code VmRSS} in KiB, or -1 once the process is gone. */
  long rssKib() {
    try {
      return field(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "status")),
          "VmRSS");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long field(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: the CLI closes its connections with 1001
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
