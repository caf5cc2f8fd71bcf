package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The {@code bench} run: one echo backend in a child JVM, the load generator in this process, and
 * each target measured in turn (the backend directly, the proxy under test in its own process,
 * nginx in its own), then one table. Everything listens on and connects to 127.0.0.1 only; every
 * child is killed when the run ends or the JVM is stopped.
 */
public final class Bench {

  private static final Duration START_LIMIT = Duration.ofSeconds(30);

  private final BenchConfig cfg;
  private final PrintStream out;
  private final Path dir;
  private final List<String> notes = new ArrayList<>();

  private Bench(BenchConfig cfg, PrintStream out, Path dir) {
    this.cfg = cfg;
    this.out = out;
    this.dir = dir;
  }

  /** Runs the whole bench and prints the table to {@code out}; blocks for the run's length. */
  public static void run(BenchConfig cfg, PrintStream out) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("ws-proxy-bench");
    Runnable delete = () -> deleteTree(dir);
    ChildProcess.afterKill(delete);
    try {
      new Bench(cfg, out, dir).run();
    } finally {
      ChildProcess.forget(delete);
      delete.run();
    }
  }

  private void run() throws IOException, InterruptedException {
    int backendPort = ChildProcess.freePort();
    List<String> echo = new ArrayList<>(cfg.childJava());
    // --flood: the flood phase asks the backend for its flood; other phases never send "flood "
    echo.addAll(List.of("echo", "--listen", "127.0.0.1:" + backendPort, "--flood"));
    int cpus = Runtime.getRuntime().availableProcessors(); // before this JVM is pinned
    String loadCpus = loadCpus();
    if (loadCpus != null) {
      echo.addAll(0, List.of("taskset", "-c", loadCpus));
    }
    try (ChildProcess backend = start("echo backend", echo, backendPort)) {
      Machine.describe(cfg, cpus, loadCpus, out);
      if (cfg.comparing()) {
        compare(backendPort);
        return;
      }
      Phases phases = new Phases(cfg, out, notes,
          loadCpus == null ? cpus : loadCpus.split(",").length);
      List<Figures[]> runs = new ArrayList<>();
      for (int run = 1; run <= cfg.repeat(); run++) {
        if (cfg.repeat() > 1) {
          out.printf(Locale.ROOT, "bench: run %d of %d%n", run, cfg.repeat());
        }
        Figures[] figures = measureAll(phases, backendPort);
        runs.add(figures);
        out.println();
        out.print(ResultTable.render(figures[0], figures[1], figures[2], cfg.connections(),
            cfg.idle(), BenchConfig.HANDSHAKE_LOOPS));
        if (figures[2] == null) {
          out.println("(nginx not run: install it, e.g. apt-get install nginx, or give --nginx "
              + "PATH)");
        }
      }
      if (runs.size() > 1) {
        out.println();
        out.printf(Locale.ROOT, "median of %d runs (held connections and flood: the worst run)%n",
            runs.size());
        out.print(ResultTable.render(median(runs, 0), median(runs, 1), median(runs, 2),
            cfg.connections(), cfg.idle(), BenchConfig.HANDSHAKE_LOOPS));
      }
      notes.stream().distinct().forEach(n -> out.println("note: " + n));
    }
  }

  /** One run of every target, each in fresh processes: direct, the proxy, nginx (or null). */
  private Figures[] measureAll(Phases phases, int backendPort)
      throws IOException, InterruptedException {
    Figures direct = phases.measure("direct", backendPort, null);
    Figures proxy;
    int port = ChildProcess.freePort();
    try (ChildProcess p = start(cfg.proxyName(), pinned(cfg.proxyCommand(port, backendPort)),
        port)) {
      proxy = phases.measure(cfg.proxyName(), port, p.handle());
    }
    Figures nginx = null;
    if (cfg.nginx() != null) {
      port = ChildProcess.freePort();
      try (ChildProcess n = start("nginx", pinned(nginxCommand(port, backendPort)), port)) {
        nginx = phases.measure("nginx", port, n.handle());
      }
      nginxErrors();
    }
    return new Figures[] {direct, proxy, nginx};
  }

  /** The median of column {@code i} of {@code runs} (null when that target did not run). */
  private static Figures median(List<Figures[]> runs, int i) {
    List<Figures> column = runs.stream().map(r -> r[i]).toList();
    return column.get(0) == null ? null : Figures.median(column);
  }

  /** {@code --compare}: the proxy, its variant and nginx all running, measured in rounds. */
  private void compare(int backendPort) throws IOException, InterruptedException {
    List<String> names = Comparison.names(cfg.proxyName(), cfg.compareArgs(), cfg.compareJar(),
        cfg.nginx() != null);
    List<ChildProcess> children = new ArrayList<>();
    try {
      List<Comparison.Target> targets = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        int port = ChildProcess.freePort();
        List<String> command;
        if (i == 2) {
          command = nginxCommand(port, backendPort);
        } else {
          command = new ArrayList<>(cfg.proxyCommand(port, backendPort));
          if (i == 1 && cfg.compareJar() != null) {
            command = Comparison.withJar(command, cfg.compareJar());
          }
          if (i == 1) { // JVM options go before the jar, the rest after the proxy's own
            int at = 1;
            for (String arg : cfg.compareArgs()) {
              if (Comparison.isJvmOption(arg)) {
                command.add(at++, arg);
              } else {
                command.add(arg);
              }
            }
          }
        }
        ChildProcess child = start(i == 2 ? "nginx" : "proxy-" + i, pinned(command), port);
        children.add(child);
        targets.add(new Comparison.Target(names.get(i), port, child.handle()));
      }
      new Comparison(cfg, out, notes).run(targets, cfg.rounds(), cfg.echoLimit());
      notes.forEach(n -> out.println("note: " + n));
    } finally {
      for (ChildProcess c : children) {
        c.close();
      }
    }
  }

  private ChildProcess start(String name, List<String> command, int port)
      throws IOException, InterruptedException {
    Path log = dir.resolve(name.replaceAll("[^A-Za-z0-9.-]", "_") + ".log");
    ChildProcess child = ChildProcess.start(name, command, log);
    try {
      child.awaitListening(port, START_LIMIT);
      return child;
    } catch (IOException | InterruptedException e) {
      child.close();
      throw e;
    }
  }

  private List<String> nginxCommand(int port, int backendPort) throws IOException {
    Path conf = dir.resolve("nginx.conf");
    int workerConnections = NginxConfig.workerConnections(Math.max(cfg.idle(), cfg.hold()),
        cfg.connections());
    long hardFileLimit = ProcStats.ownOpenFileLimit().map(ProcStats.OpenFileLimit::hard)
        .orElse(Long.MAX_VALUE); // nginx inherits this process's limits
    Files.writeString(conf, NginxConfig.render(dir, port, backendPort, workerConnections,
        hardFileLimit), StandardCharsets.UTF_8);
    return List.of(cfg.nginx(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
        "-c", conf.toString(), "-g", "daemon off;");
  }

  /** The last lines of nginx's error log as a note, when it logged errors (it is deleted after). */
  private void nginxErrors() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("error.log"), StandardCharsets.UTF_8);
      if (!lines.isEmpty()) {
        notes.add("nginx's error log has " + lines.size() + " lines, the last: "
            + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
      }
    } catch (IOException e) {
      // no error log: nothing went wrong worth a line
    }
  }

  /**
   * With the proxies pinned: pins this JVM (the load generator) to the other CPUs and answers them,
   * for the backend too; null when the proxies are not pinned or no other CPU is left.
   */
  private String loadCpus() throws InterruptedException {
    String allowed = cfg.pinCpu() == null ? null : CpuPinning.allowedCpus();
    String others = allowed == null ? null : CpuPinning.others(allowed, cfg.pinCpu());
    if (others == null) {
      return null;
    }
    try {
      CpuPinning.pinThisProcess(others);
      return others;
    } catch (IOException e) {
      notes.add("the load generator and backend are not pinned: " + e.getMessage());
      return null;
    }
  }

  private List<String> pinned(List<String> command) {
    if (cfg.pinCpu() == null) {
      return command;
    }
    List<String> all = new ArrayList<>(List.of("taskset", "-c", cfg.pinCpu()));
    all.addAll(command);
    return all;
  }

  /** Deletes the bench's temporary directory; a file that cannot be deleted is left behind. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("bench: could not delete " + dir + ": " + e);
    }
  }
}
