package io.wsproxy.examples;

import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.examples.hostile.HostileCommand;
import io.wsproxy.examples.cli.UsageException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar ws-proxy.jar [proxy|gateway|echo|demo|bench] [options]}: the standalone CLI.
 * With no arguments it runs {@code demo}. Exit codes: 0 success, 1 runtime failure (for example a
 * port in use), 2 bad command line, 70 a fatal error such as out of memory
 * ({@link FatalErrorExit}).
 */
public final class Main {

  /** Exit code for a bad command line. */
  public static final int EXIT_USAGE = 2;
  /** Exit code for a failure at run time. */
  public static final int EXIT_FAILURE = 1;

  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    for (Command c : new Command[] {new ProxyCommand(), new GatewayCommand(), new EchoCommand(),
        new DemoCommand(), new BenchCommand(), new HostileCommand()}) {
      COMMANDS.put(c.name(), c);
    }
  }

  private Main() {}

  /** Every command, in the order {@code --help} lists them. */
  static java.util.Collection<Command> commands() {
    return java.util.Collections.unmodifiableCollection(COMMANDS.values());
  }

  public static void main(String[] argv) {
    ProcessDefaults.apply();
    FatalErrorExit.install();
    int code = run(argv, System.out, System.err, true);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the CLI. With {@code block} false (tests) a serving command is closed as soon as it has
   * started instead of waiting for Ctrl-C.
   */
  static int run(String[] argv, PrintStream out, PrintStream err, boolean block) {
    String name = argv.length == 0 ? "demo" : argv[0];
    if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
      out.print(overview());
      return 0;
    }
    if (name.equals("--version") || Arrays.asList(argv).contains("--version")) {
      out.println("ws-proxy " + version());
      return 0;
    }
    Command command = COMMANDS.get(name);
    if (command == null) {
      err.println("ws-proxy: unknown command: " + name);
      err.print(overview());
      return EXIT_USAGE;
    }
    String[] rest = argv.length == 0 ? new String[0] : Arrays.copyOfRange(argv, 1, argv.length);
    if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
      out.print(command.usage());
      out.print(Args.environmentHelp(command.valueFlags(), command.switches()));
      return 0;
    }
    Command.Running running;
    try {
      running = command.start(rest, out);
    } catch (UsageException e) {
      err.println("ws-proxy " + name + ": " + e.getMessage());
      err.print(command.usage());
      return EXIT_USAGE;
    } catch (Exception e) {
      err.println("ws-proxy " + name + ": " + e.getMessage());
      return EXIT_FAILURE;
    }
    if (!command.runsUntilStopped() || !block) {
      running.close();
      return 0;
    }
    Examples.runUntilStopped(running);
    return 0;
  }

  /** The version of the jar ({@code dev} when run from classes). */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  static String overview() {
    StringBuilder sb = new StringBuilder()
        .append("Usage: java -jar ws-proxy.jar <command> [options]\n\n")
        .append("An embeddable WebSocket proxy and JSON gateway, run standalone.\n\nCommands:\n");
    COMMANDS.values().forEach(c -> sb.append(String.format("  %-8s %s%n", c.name(), c.summary())));
    sb.append("\nWith no command, runs 'demo'. 'java -jar ws-proxy.jar <command> --help' for options;\n")
        .append("'--version' prints the version. Every option also reads from WS_PROXY_<OPTION>.\n");
    return sb.toString();
  }
}
