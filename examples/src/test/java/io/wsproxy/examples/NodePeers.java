package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Third-party WebSocket peers on Node.js: the {@code ws} npm package (the most used Node.js
 * WebSocket library) installed into {@code target/thirdparty} with npm, and the test scripts from
 * {@code src/test/resources/thirdparty} beside it. Without Node.js and npm the tests using it are
 * skipped, visibly.
 */
final class NodePeers {

  static final String WS_VERSION = "8.18.3";
  static final Path DIR = Path.of("target", "thirdparty").toAbsolutePath();
  static final List<String> SCRIPTS = List.of("ws-server.js", "ws-client.js",
      "ws-connect-first-client.js", "ws-gateway-client.js");
  /** How long npm may take to install {@code ws}. */
  static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(180);
  /** How long a script may take to print its next line. */
  static final Duration LINE_TIMEOUT = Duration.ofSeconds(60);

  private NodePeers() {}

  /** Skips the calling test class without Node.js and npm; installs {@code ws} and the scripts. */
  static void install() throws Exception {
    assumeTrue(runs("node", "--version") && runs("npm", "--version"),
        "Node.js and npm are needed for the third-party peer tests");
    Files.createDirectories(DIR);
    for (String script : SCRIPTS) {
      try (InputStream in = NodePeers.class.getResourceAsStream("/thirdparty/" + script)) {
        Files.copy(in, DIR.resolve(script), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!Files.exists(DIR.resolve("node_modules/ws/package.json"))) {
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund",
          "--no-save", "--prefix", DIR.toString(), "ws@" + WS_VERSION)
          .redirectErrorStream(true).redirectOutput(DIR.resolve("npm.log").toFile()).start();
      assertTrue(npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "npm install timed out");
      assertEquals(0, npm.exitValue(), () -> "npm install ws failed: " + read(DIR.resolve("npm.log")));
    }
  }

  /** A running {@code ws-server.js}: its port, its output lines, and a stop on close. */
  record Backend(Process process, int port, BlockingQueue<String> lines) implements AutoCloseable {
    String uri() {
      return "ws://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
      stop(process);
    }
  }

  /** Starts {@code ws-server.js} with {@code args} and waits until it listens. */
  static Backend startServer(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("ws-server.js"));
    argv.addAll(List.of(args));
    Process server = node(argv.toArray(String[]::new));
    BlockingQueue<String> lines = lines(server.getInputStream());
    String first = lines.poll(LINE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (first == null || !first.startsWith("PORT ")) {
      stop(server);
      throw new AssertionError("ws server did not start: " + first);
    }
    return new Backend(server, Integer.parseInt(first.substring(5).trim()), lines);
  }

  /**
   * Runs a client script to its end and answers the JSON lines it printed before {@code DONE}.
   */
  static List<String> runClient(String... args) throws Exception {
    Process client = node(args);
    try {
      BlockingQueue<String> lines = lines(client.getInputStream());
      List<String> results = new ArrayList<>();
      String line;
      while ((line = lines.poll(LINE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) != null
          && !line.equals("DONE")) {
        results.add(line);
      }
      assertTrue(client.waitFor(30, TimeUnit.SECONDS), "client script did not exit");
      return results;
    } finally {
      client.destroyForcibly();
    }
  }

  /** Asserts that each of {@code checks} was reported, with {@code "ok":true}. */
  static void assertPassed(List<String> results, List<String> checks) {
    for (String check : checks) {
      String result = results.stream().filter(r -> r.contains("\"check\":\"" + check + "\""))
          .findFirst().orElse("missing");
      assertTrue(result.contains("\"ok\":true"), check + ": " + result + " / all: " + results);
    }
  }

  /** Takes lines until one contains {@code until}, at least {@code minimum} (or the wait runs out). */
  static List<String> drain(BlockingQueue<String> q, int minimum, String until)
      throws InterruptedException {
    List<String> out = new ArrayList<>();
    String l;
    while ((l = q.poll(10, TimeUnit.SECONDS)) != null) {
      out.add(l);
      if (out.size() >= minimum && l.contains(until)) {
        break;
      }
    }
    return out;
  }

  static Process node(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("node"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(DIR.toFile());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    return pb.start();
  }

  /** Stops a script started by {@link #node}: the scripts exit when their stdin ends. */
  static void stop(Process p) throws InterruptedException {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  /** The lines {@code in} yields, read by a daemon thread that ends with the stream. */
  static BlockingQueue<String> lines(InputStream in) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          q.add(l);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "node-output");
    t.setDaemon(true);
    t.start();
    return q;
  }

  static boolean runs(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
