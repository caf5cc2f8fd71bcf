package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line through {@code Main.run}: exit codes, messages and what each command prints. */
class MainTest {

  private static final String NO_UPSTREAM = "/=ws://127.0.0.1:9";
  private static final Pattern WORD = Pattern.compile("'([^']*)'|(\\S+)");

  @ParameterizedTest
  @ValueSource(strings = {"proxy", "gateway", "echo", "demo", "bench"})
  void helpPrintsTheUsageAndExits0ForEveryCommand(String command) {
    Cli.Result r = Cli.run(command, "--help");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("Usage: java -jar ws-proxy.jar " + command), r.out());
    assertEquals("", r.err());
  }

  @Test
  void proxyHelpDescribesConnectFirstAndItsFlags() {
    String help = Cli.run("proxy", "--help").out();
    for (String flag : new String[] {"--accept-first", "--max-connections-per-address N",
        "--subprotocol NAME", "502", "504"}) {
      assertTrue(help.contains(flag), flag + " missing in " + help);
    }
    assertTrue(help.contains("optional allowlist"), help);
  }

  @Test
  void helpWithoutACommandListsEveryCommand() {
    Cli.Result r = Cli.run("--help");
    assertEquals(0, r.exitCode());
    for (String command : new String[] {"proxy", "gateway", "echo", "demo", "bench"}) {
      assertTrue(r.out().contains("\n  " + command + " "), command + " missing in " + r.out());
    }
  }

  @Test
  void unknownCommandExits2AndNamesIt() {
    Cli.Result r = Cli.run("serve");
    assertEquals(Main.EXIT_USAGE, r.exitCode());
    assertTrue(r.err().contains("unknown command: serve"), r.err());
    assertTrue(r.err().contains("Commands:"), "the overview follows: " + r.err());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "proxy --listen 127.0.0.1:0 --route " + NO_UPSTREAM + " --bogus | unknown option: --bogus",
      "proxy --listen 127.0.0.1:0 --route " + NO_UPSTREAM + " --max-message-size big"
          + " | --max-message-size must be a whole number: big",
      "proxy --listen 127.0.0.1:0 --route /echo | --route must be PREFIX=URL: /echo",
      "proxy --listen 127.0.0.1:0 --route /=http://127.0.0.1:9 | --route /=http://127.0.0.1:9",
      "proxy --listen localhost --route " + NO_UPSTREAM + " | --listen must be HOST:PORT: localhost",
      // the list of transports grows (netty): only the flag and the refused value are fixed
      "proxy --listen 127.0.0.1:0 --route " + NO_UPSTREAM + " --upstream pigeon"
          + " | --upstream must be",
      "proxy --listen 127.0.0.1:0 --route " + NO_UPSTREAM + " --reject-with teapot"
          + " | --reject-with must be status or close-code",
      "proxy --listen 127.0.0.1:0 --route " + NO_UPSTREAM + " --accept-first=yes"
          + " | --accept-first takes no value",
      "proxy --listen 127.0.0.1:0 --route " + NO_UPSTREAM + " --max-connections-per-address -1"
          + " | --max-connections-per-address must be between 0 and",
      "gateway --listen 127.0.0.1:0 --max-connections-per-address many"
          + " | --max-connections-per-address must be a whole number: many",
      "gateway --listen 127.0.0.1:0 --accept-first | unknown option: --accept-first",
      "gateway --listen 127.0.0.1:0 --protocol xml | --protocol must be envelope or jsonrpc: xml",
      "gateway --listen 127.0.0.1:0 --profile chat | --profile must be rooms or agent: chat",
      "gateway --listen 127.0.0.1:0 --ping-interval 30 --client-timeout 10"
          + " | --client-timeout must be longer than --ping-interval",
      "gateway --listen 127.0.0.1:0 --path gw | --path: path must start with /",
      "gateway --listen 127.0.0.1:0 --idle-timeout 5 | unknown option: --idle-timeout",
      "gateway --listen 127.0.0.1:0 --token 'two words' | --token:",
      "gateway --listen 127.0.0.1:0 --max-connections 0"
          + " | --max-connections must be between 1 and",
      "gateway --protocol jsonrpc | --listen is required",
      "echo --listen | --listen needs a value",
      "echo --listen 127.0.0.1:70000 | --listen port must be 0..65535",
      "bench --connections 0 | --connections must be between 1 and 5000: 0",
      "bench --pin 1-3 | --pin must be a CPU number or none: 1-3",
      "bench --hold 60000 | --hold must be between 0 and 50000: 60000",
      "bench --flood -1 | --flood must be between 0 and 4096: -1",
      "bench --proxy-command 'nc -l {port}' --proxy-args x | --proxy-command replaces the whole",
      "bench --nginx /nonexistent/nginx | --nginx is not an executable file: /nonexistent/nginx",
      "bench --repeat 0 | --repeat must be between 1 and 10: 0",
      "bench --compare '--admin-listen 127.0.0.1:0' --repeat 2 | --repeat is for the table",
      "demo extra | unexpected argument: extra",
  })
  void badFlagsExit2WithAMessageNamingTheFlagAndTheUsage(String argv, String message) {
    Cli.Result r = Cli.run(split(argv));
    assertEquals(Main.EXIT_USAGE, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    assertTrue(r.err().contains("Usage: java -jar ws-proxy.jar " + argv.split(" ")[0]),
        "the usage follows: " + r.err());
  }

  /** Splits on spaces, keeping 'quoted words' together. */
  private static String[] split(String argv) {
    List<String> out = new ArrayList<>();
    Matcher m = WORD.matcher(argv);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return out.toArray(new String[0]);
  }

  @Test
  void proxyWithoutRoutesExits2() {
    Cli.Result r = Cli.run("proxy", "--listen", "127.0.0.1:0");
    assertEquals(Main.EXIT_USAGE, r.exitCode());
    assertTrue(r.err().contains("give at least one --route PREFIX=URL, or --routes FILE"), r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"proxy", "gateway", "echo"})
  void listeningOnABusyPortExits1WithAMessageNamingTheAddress(String command) throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String listen = "127.0.0.1:" + busy.getLocalPort();
      Cli.Result r = command.equals("proxy")
          ? Cli.run(command, "--listen", listen, "--route", NO_UPSTREAM)
          : Cli.run(command, "--listen", listen);
      assertEquals(Main.EXIT_FAILURE, r.exitCode(), r.out() + r.err());
      assertTrue(r.err().startsWith("ws-proxy " + command + ": cannot bind"), r.err());
      assertTrue(r.err().contains(String.valueOf(busy.getLocalPort())), r.err());
      assertTrue(!r.err().contains("Usage:"), "a runtime failure is not a usage error: " + r.err());
    }
  }

  @Test
  void demoSendsAMessageThroughTheProxyAndPrintsTheEcho() {
    Cli.Result r = Cli.run("demo");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("and got \"" + DemoCommand.MESSAGE
        + "\" back from the echo backend through the proxy"), r.out());
  }

  @Test
  void benchPrintsATableOfEveryFigureForTheDirectRunAndTheProxyPerRunThenTheirMedians() {
    Cli.Result r = Cli.run("bench", "--seconds", "1", "--idle", "20", "--connections", "2",
        "--hold", "30", "--flood", "8", "--nginx", "none", "--pin", "none", "--repeat", "2");
    assertEquals(0, r.exitCode(), r.err());
    String out = r.out();
    assertTrue(out.contains("\nbench: run 2 of 2\n"), out);
    assertTrue(out.contains("\nmedian of 2 runs (held connections and flood: the worst run)\n"
        + "figure "), out);
    assertEquals(3, out.split("\nfigure ", -1).length - 1, "a table per run, then the medians");
    assertTrue(out.contains("bench: proxy under test: "), out);
    assertTrue(out.matches("(?s).*\nfigure +direct +ws-proxy +nginx +ws-proxy / nginx\n.*"), out);
    assertTrue(out.matches(
        "(?s).*\nround trips/s, 64 B, 2 connections +[\\d,]+ +[\\d,]+ +not run +n/a\n.*"), out);
    assertTrue(out.matches(
        "(?s).*\nproxy CPU per relayed 64 B message, us +- +\\d+\\.\\d +not run .*"), out);
    assertTrue(out.matches(
        "(?s).*\nRSS per idle proxied connection at 20, KiB +- +-?\\d+\\.\\d +not run .*"), out);
    assertTrue(out.matches("(?s).*\nthreads at 20 idle connections +- +\\d+ +not run .*"), out);
    assertTrue(out.matches("(?s).*\nconnections held at once and relaying, of 30 +- +30 +not run"
        + " .*"), out);
    assertTrue(out.matches("(?s).*\nerrors holding them \\(open, echo, close\\) +- +0 +not run .*"),
        out);
    assertTrue(out.matches(
        "(?s).*\nRSS growth, 8 MiB flood, client not reading, MiB +- +-?\\d+\\.\\d +not run .*"), out);
    assertTrue(out.matches(
        "(?s).*\nflood: all bytes in order, nothing closed +yes +yes +not run .*"), out);
    assertTrue(!out.contains("note: "), "no phase failed: " + out);
  }

  @Test
  void gatewayPrintsItsUrlAndWhatToSend() {
    Cli.Result r = Cli.run("gateway", "--listen", "127.0.0.1:0", "--protocol", "jsonrpc",
        "--token", "secret-token-for-the-test");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().matches("(?s)ws-proxy gateway: listening on ws://127\\.0\\.0\\.1:\\d+"
        + " \\(protocol jsonrpc, auth by token\\)\n.*"), r.out());
    assertTrue(r.out().contains("  send: {\"id\":1,\"method\":\"auth\",\"params\":{\"token\":"
        + "\"TOKEN\"}}  then  {\"id\":2,\"method\":\"rooms.join\""), r.out());
    assertTrue(!r.out().contains("secret-token-for-the-test"), "the token is never printed");
  }

  @Test
  void proxyStartsWithAGoodRoutesFileAndPrintsItsRoutes(@TempDir Path dir) throws IOException {
    Path file = write(dir, """
        {"publicDomain": "sandbox.example.test",
         "routes": [{"prefix": "/echo", "upstream": "ws://127.0.0.1:9"}],
         "sessions": [{"id": "abc", "host": "127.0.0.1",
                       "exposures": [{"port": 5173}, {"port": 8080, "pathPrefix": "/api"}]}],
         "plugins": [{"name": "web-terminal", "port": 9003}]}
        """);
    Cli.Result r = Cli.run("proxy", "--listen", "127.0.0.1:0", "--routes", file.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("  route /echo"), r.out());
    assertTrue(r.out().contains("  session abc: wss://sandbox.example.test/s/abc/ws/\n"), r.out());
    assertTrue(r.out().contains("  session abc: wss://sandbox.example.test/s/abc/ws/api\n"),
        r.out());
    assertTrue(r.out().contains("  plugin web-terminal"), r.out());
  }

  @Test
  void proxyWithABadRoutesFileExits2NamingTheFileAndTheField(@TempDir Path dir)
      throws IOException {
    Path file = write(dir, """
        {"plugins": [{"name": "web-terminal", "port": 9003}, {"name": "vnc"}]}
        """);
    Cli.Result r = Cli.run("proxy", "--listen", "127.0.0.1:0", "--routes", file.toString());
    assertEquals(Main.EXIT_USAGE, r.exitCode(), r.out());
    assertTrue(r.err().contains("routes.json"), r.err());
    assertTrue(r.err().contains("plugins[1].port"), r.err());
  }

  @Test
  void proxyWithAMissingRoutesFileExits2NamingIt(@TempDir Path dir) {
    Cli.Result r = Cli.run("proxy", "--listen", "127.0.0.1:0", "--routes",
        dir.resolve("absent.json").toString());
    assertEquals(Main.EXIT_USAGE, r.exitCode());
    assertTrue(r.err().contains("--routes " + dir.resolve("absent.json") + " cannot be read"),
        r.err());
  }

  private static Path write(Path dir, String json) throws IOException {
    return Files.writeString(dir.resolve("routes.json"), json, StandardCharsets.UTF_8);
  }
}
