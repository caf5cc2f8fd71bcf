package io.wsproxy.examples.hostile;

import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.examples.cli.UsageException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code hostile}: the survival runs of issue 11 against a CLI proxy it starts itself (a child JVM
 * on this jar, routed to a counting echo upstream in this process): (a) idle sockets, then normal
 * clients; (b) connections of endless one-byte fragments beside a bystander; (c) every hostile
 * handshake, checking none reaches the upstream. It prints what each client saw and the proxy's
 * RSS, threads and descriptors. A run, not a test: the numbers depend on the machine.
 */
public final class HostileCommand implements Command {

  static final List<String> RUNS = List.of("idle", "fragments", "handshakes");

  @Override
  public String name() {
    return "hostile";
  }

  @Override
  public String summary() {
    return "attack a CLI proxy as an unauthenticated client would, and report";
  }

  @Override
  public boolean runsUntilStopped() {
    return false;
  }

  @Override
  public String usage() {
    return """
        Usage: java -jar ws-proxy.jar hostile [options]

        Starts 'proxy --server SERVER' in a child JVM, routed to an echo upstream in this process,
        and runs against it, over loopback:
          idle        --idle N sockets that never send a byte (from attacker processes and
                      127.0.0.x source addresses), held --idle-hold seconds while a normal client
                      tries every second; then they close and the time until a normal client is
                      served again is measured
          fragments   --flooders connections each sending one-byte fragments of a message that
                      never ends, until the proxy closes them (at most --max-fragments), beside a
                      bystander that round-trips a message every 50 ms; the proxy's RSS is sampled
          handshakes  every hostile upgrade of issue 11: its answer, and whether it reached upstream

        Options:
          --server netty|javawebsocket   the proxy's server transport (default: netty)
          --run LIST                     comma-separated runs (default: idle,fragments,handshakes)
          --idle N                       idle sockets (default 20000)
          --idle-hold SECONDS            how long they are held (default 15)
          --flooders N                   fragment connections (default 2)
          --max-fragments N              fragments each sends at most (default 8388608)
          --proxy-heap SIZE              the proxy's -Xmx (default 512m)
          --proxy-arg ARG                one more proxy option (repeatable),
                                         e.g. '--max-message-size=65536'
          --log FILE                     the proxy's output (default: a temporary file)
          --help                         show this help
        """;
  }

  @Override
  public Set<String> valueFlags() {
    return Set.of("server", "run", "idle", "idle-hold", "flooders", "max-fragments", "proxy-heap",
        "proxy-arg", "log");
  }

  @Override
  public Set<String> switches() {
    return Set.of();
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, valueFlags(), switches());
    String server = args.one("server", "netty");
    if (!server.equals("netty") && !server.equals("javawebsocket")) {
      throw new UsageException("--server must be netty or javawebsocket: " + server);
    }
    List<String> runs = List.of(args.one("run", String.join(",", RUNS)).split(","));
    for (String r : runs) {
      if (!RUNS.contains(r)) {
        throw new UsageException("--run takes " + RUNS + ": " + r);
      }
    }
    int idle = (int) args.number("idle", 20_000, 1, 1_000_000);
    int hold = (int) args.number("idle-hold", 15, 0, 3600);
    int flooders = (int) args.number("flooders", 2, 1, 100);
    long maxFragments = args.number("max-fragments", 8L * 1024 * 1024, 1, Long.MAX_VALUE);
    List<String> jvm = List.of("-Xmx" + args.one("proxy-heap", "512m"));
    List<String> extra = new ArrayList<>();
    for (String a : args.all("proxy-arg")) {
      int eq = a.indexOf('=');
      extra.addAll(eq > 0 ? List.of(a.substring(0, eq), a.substring(eq + 1)) : List.of(a));
    }
    Path log = args.has("log") ? Path.of(args.one("log", ""))
        : Files.createTempFile("ws-proxy-hostile-" + server, ".log");
    try (CountingUpstream upstream = new CountingUpstream();
         ProxyUnderTest proxy = ProxyUnderTest.start(server, upstream.uri(), jvm, extra, log)) {
      out.printf("hostile: proxy --server %s %s %s on port %d (log %s)%n", server, jvm, extra,
          proxy.port(), log);
      for (String r : runs) {
        switch (r) {
          case "idle" -> IdleRun.run(proxy, idle, hold, out);
          case "fragments" -> FragmentRun.run(proxy, flooders, maxFragments, out);
          default -> HandshakeRun.run(proxy, upstream, out);
        }
        out.flush();
      }
      out.println("hostile: proxy " + (proxy.alive() ? "still running" : "exited with "
          + proxy.exitCode()) + "; upgrades that reached upstream in all: " + upstream.upgrades());
    }
    return () -> { };
  }
}
