package io.wsproxy.examples;

import io.wsproxy.examples.bench.Bench;
import io.wsproxy.examples.bench.BenchConfig;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.examples.cli.UsageException;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code bench}: the proxy under test and nginx side by side, each in its own process in front of
 * the same echo backend, driven by the same load generator (see {@link Bench}).
 */
final class BenchCommand implements Command {

  private static final String DEFAULT_NGINX = "/usr/sbin/nginx";
  /** Most held connections: 200 from each of 127.0.0.2 to 127.0.0.254. */
  private static final int MAX_HOLD = 50_000;

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "measure the proxy next to nginx: throughput, latency, CPU, memory, handshakes, "
        + "10,000 connections, a flood toward a client that does not read";
  }

  @Override
  public boolean runsUntilStopped() {
    return false;
  }

  @Override
  public String usage() {
    return """
        Usage: java -jar ws-proxy.jar bench [--quick] [--proxy-args ARGS] [options]

        Starts an echo backend (a child JVM), then measures three targets in turn with the same
        load generator (this process): the backend directly, the proxy under test in its own
        process, and nginx (when installed) in its own process with a config the bench writes.
        Prints one table: round trips/s and p50/p99 of 64 B echoes, the proxy's CPU per relayed
        64 B message and per relayed MiB of 1 MiB messages, handshakes/s (8 loops opening and
        closing connections), RSS per idle proxied connection and threads, then (--hold) how many
        of 10,000 connections held at once still relay, the errors, threads and RSS holding them,
        and (--flood) the proxy's RSS growth while a client that does not read is flooded with
        256 MiB by the backend and whether every byte then arrived in order with nothing closed,
        each with its ratio to nginx. CPU, RSS and threads are the proxy process's own, read from
        /proc. Everything runs on 127.0.0.1; a default run takes about 3 minutes, --quick about
        1 (longer on a busy machine, where opening 10,000 connections can take minutes).

        Options:
          --quick                 a short smoke run (1-2 s phases, 500 idle connections, 200
                                  held, a 64 MiB flood)
          --connections N         connections of the 64 B echo phase (default 16)
          --idle N                idle connections of the memory phase (default 2000)
          --hold N                connections held open at once through each proxy, every one
                                  echoing once when it opens and once more when all are open
                                  (default 10000; 0 skips it). Each takes two of the proxy's
                                  descriptors: when N does not fit the proxy's Max open files
                                  (/proc/PID/limits, ulimit -n), the largest round count below
                                  ws-proxy's own cap of (limit - 256) / 2 is held, with a note
                                  (9800 at 20000). The proxy's own connection cap (default 10000)
                                  caps it too: raise it with --proxy-args for more
          --flood MiB             the backend floods this much toward one client (16 KiB
                                  receive buffer) that stops reading for 3 s, while the
                                  proxy's RSS is read every 100 ms; then the client reads and
                                  checks it all (default 256; 0 skips it)
          --seconds N             time limit of every phase and the warm-up (overrides the
                                  defaults: 12 s echo, 8 s 1 MiB, 8 s handshakes, 6 s warm-up,
                                  3 s without reading in the flood)
          --warm-up-max N         after the warm-up, go on warming a proxy up in 2 s rounds
                                  of the same mix while its JIT compiler used more than 5% of
                                  a core in the last round, for at most N s (default 120, 0
                                  with --quick; 0 turns it off)
          --proxy-args ARGS       extra arguments for 'ws-proxy.jar proxy' (split on spaces),
                                  e.g. --proxy-args '--upstream javawebsocket'
          --proxy-jvm-args ARGS   JVM options of the proxy process, e.g. '-Xmx256m'
          --proxy-command CMD     run this instead of ws-proxy (split on spaces; {port} is the
                                  port to listen on, {backend} the echo backend's port)
          --nginx PATH|none       the nginx binary (default /usr/sbin/nginx when present)
          --compare ARGS          instead of the table: CPU per 64 B message, and handshakes
                                  (per second, proxy and load-side CPU per handshake), of the
                                  proxy, the proxy with these extra arguments and nginx, all
                                  running at once, in interleaved rounds (for differences of a
                                  few percent), e.g. --compare '--admin-listen 127.0.0.1:0';
                                  arguments starting with -D or -X are JVM options
          --compare-jar PATH      like --compare, but the variant runs this ws-proxy jar (a
                                  build from before a change) with the same arguments; both
                                  flags together: that jar with those arguments
          --rounds N              rounds of --compare (default 7; each phase of a round
                                  --seconds long, 5 s by default)
          --repeat N              run the whole table N times (1-10, default 1), each
                                  target in fresh processes every time, and then print the
                                  median of every figure over the runs (the worst run for
                                  the held connections and the flood): single runs on a
                                  small machine vary by 10-20%, nginx's too
          --pin CPU|none          pin the proxies to this CPU with taskset, and the backend
                                  and load generator to the other CPUs (default 1 when
                                  taskset exists and there are 2 or more CPUs)
          --help                  show this help
        """;
  }

  @Override
  public Set<String> valueFlags() {
    return Set.of("connections", "idle", "seconds", "proxy-args", "proxy-jvm-args",
        "proxy-command", "nginx", "pin", "compare", "compare-jar", "rounds", "hold", "flood",
        "warm-up-max", "repeat");
  }

  @Override
  public Set<String> switches() {
    return Set.of("quick");
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, valueFlags(), switches());
    boolean quick = args.has("quick");
    int connections = (int) args.number("connections", 16, 1, 5000);
    int idle = (int) args.number("idle", quick ? 500 : 2000, 1, 9000);
    int hold = (int) args.number("hold", quick ? 200 : 10_000, 0, MAX_HOLD);
    int flood = (int) args.number("flood", quick ? 64 : 256, 0, 4096);
    Duration[] limits = BenchConfig.limits(quick);
    List<String> compare = words("compare", args.one("compare", ""));
    String compareJar = args.one("compare-jar", null);
    if (compareJar != null) {
      if (!Files.isRegularFile(Path.of(compareJar))) {
        throw new UsageException("--compare-jar is not a file: " + compareJar);
      }
      if (args.has("proxy-command")) {
        throw new UsageException("--compare-jar swaps the jar of the default proxy command: give "
            + "no --proxy-command with it");
      }
    }
    int rounds = (int) args.number("rounds", 7, 1, 100);
    if (args.has("rounds") && compare.isEmpty() && compareJar == null) {
      throw new UsageException("--rounds needs --compare or --compare-jar");
    }
    int repeat = (int) args.number("repeat", 1, 1, 10);
    if (!compare.isEmpty() || compareJar != null) {
      if (args.has("repeat")) {
        throw new UsageException("--repeat is for the table; --compare runs --rounds");
      }
      limits[0] = Duration.ofSeconds(5); // one round's phase per target
    }
    if (args.has("seconds")) {
      Arrays.fill(limits, Duration.ofSeconds(args.number("seconds", 1, 1, 600)));
    }
    List<String> java = childJava();
    List<String> proxy;
    String proxyName;
    if (args.has("proxy-command")) {
      if (args.has("proxy-args") || args.has("proxy-jvm-args")) {
        throw new UsageException("--proxy-command replaces the whole command: give no "
            + "--proxy-args or --proxy-jvm-args with it");
      }
      proxy = words("proxy-command", args.one("proxy-command", ""));
      proxyName = "proxy";
    } else {
      proxy = new ArrayList<>(java.subList(0, 1));
      proxy.addAll(words("proxy-jvm-args", args.one("proxy-jvm-args", "")));
      proxy.addAll(java.subList(1, java.size()));
      proxy.addAll(List.of("proxy", "--listen", "127.0.0.1:{port}",
          "--route", "/=ws://127.0.0.1:{backend}"));
      for (String extra : args.all("proxy-args")) {
        proxy.addAll(words("proxy-args", extra));
      }
      proxyName = "ws-proxy";
    }
    Duration settle = Duration.ofSeconds(args.number("warm-up-max", quick ? 0 : 120, 0, 600));
    BenchConfig cfg = new BenchConfig(connections, limits[0], limits[1], limits[2], limits[3],
        settle, idle, hold, flood, limits[4], proxy, proxyName, nginx(args.one("nginx", null)), pin(args.one("pin", null)), java,
        compare, compareJar, rounds, repeat);
    Bench.run(cfg, out);
    return () -> { };
  }

  /** {@code java -jar ws-proxy.jar}, or {@code java -cp CLASSPATH Main} outside the jar (tests). */
  private static List<String> childJava() {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    if (cp.endsWith(".jar") && !cp.contains(File.pathSeparator)
        && cp.endsWith("ws-proxy.jar")) {
      return List.of(javaBin, "-jar", cp);
    }
    return List.of(javaBin, "-cp", cp, Main.class.getName());
  }

  private static List<String> words(String flag, String value) throws UsageException {
    List<String> w = Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    if (flag.equals("proxy-command") && w.isEmpty()) {
      throw new UsageException("--proxy-command must not be empty");
    }
    return w;
  }

  private static String nginx(String flag) throws UsageException {
    if ("none".equals(flag)) {
      return null;
    }
    if (flag == null) {
      return Files.isExecutable(Path.of(DEFAULT_NGINX)) ? DEFAULT_NGINX : null;
    }
    if (!Files.isExecutable(Path.of(flag))) {
      throw new UsageException("--nginx is not an executable file: " + flag);
    }
    return flag;
  }

  private static String pin(String flag) throws UsageException {
    if ("none".equals(flag)) {
      return null;
    }
    boolean taskset = Files.isExecutable(Path.of("/usr/bin/taskset"));
    if (flag == null) {
      return taskset && Runtime.getRuntime().availableProcessors() >= 2 ? "1" : null;
    }
    if (!flag.matches("\\d{1,4}")) {
      throw new UsageException("--pin must be a CPU number or none: " + flag);
    }
    if (!taskset) {
      throw new UsageException("--pin needs /usr/bin/taskset, which is missing");
    }
    return flag;
  }
}
