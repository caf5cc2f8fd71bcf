package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Route;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.javawebsocket.JavaWebSocketUpstreamConnector;
import io.wsproxy.javawebsocket.ProxyServer;
import io.wsproxy.jdk.JdkUpstreamConnector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy between two third-party peers: the {@code ws} npm package's client and server (the
 * most used Node.js WebSocket library). The test installs {@code ws} itself into
 * {@code target/thirdparty} with npm; without Node.js and npm on the machine it is skipped.
 */
class ThirdPartyPeersTest {

  private static final String WS_VERSION = "8.18.3";
  private static final Path DIR = Path.of("target", "thirdparty").toAbsolutePath();
  private static final List<String> CHECKS = List.of("subprotocol", "text", "binary1MiB",
      "fragmented", "order", "ping", "clientClose", "upstreamClose");

  @BeforeAll
  static void installWs() throws Exception {
    assumeTrue(runs("node", "--version") && runs("npm", "--version"),
        "Node.js and npm are needed for the third-party peer test");
    Files.createDirectories(DIR);
    for (String script : new String[] {"ws-server.js", "ws-client.js", "ws-gateway-client.js"}) {
      try (InputStream in = ThirdPartyPeersTest.class.getResourceAsStream("/thirdparty/" + script)) {
        Files.copy(in, DIR.resolve(script), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!Files.exists(DIR.resolve("node_modules/ws/package.json"))) {
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund",
          "--no-save", "--prefix", DIR.toString(), "ws@" + WS_VERSION)
          .redirectErrorStream(true).redirectOutput(DIR.resolve("npm.log").toFile()).start();
      assertTrue(npm.waitFor(180, TimeUnit.SECONDS), "npm install timed out");
      assertEquals(0, npm.exitValue(), () -> "npm install ws failed: " + read(DIR.resolve("npm.log")));
    }
  }

  @ParameterizedTest(name = "upstream {0}")
  @ValueSource(strings = {"jdk", "javawebsocket"})
  void carriesTheWsPackagesClientToItsServerWithEveryBehaviour(String upstream) throws Exception {
    Process server = node("ws-server.js");
    try {
      BlockingQueue<String> serverLines = lines(server.getInputStream());
      String first = serverLines.poll(30, TimeUnit.SECONDS);
      assertTrue(first != null && first.startsWith("PORT "), "ws server did not start: " + first);
      String backend = "ws://127.0.0.1:" + first.substring(5).trim();
      Supplier<UpstreamConnector> connectors = upstream.equals("jdk")
          ? JdkUpstreamConnector::new : JavaWebSocketUpstreamConnector::new;
      try (UpstreamConnector connector = connectors.get();
          WebSocketProxy proxy = WebSocketProxy.builder().connector(connector)
              .routes(PathPrefixRoutes.builder()
                  .route("/", Route.to(URI.create(backend)).withSubprotocols(List.of("chat")))
                  .build())
              .build();
          ProxyServer front = ProxyServer.start(new InetSocketAddress("127.0.0.1", 0), proxy)) {
        Process client = node("ws-client.js", "ws://127.0.0.1:" + front.port() + "/path?q=1");
        BlockingQueue<String> clientLines = lines(client.getInputStream());
        List<String> results = new ArrayList<>();
        String line;
        while ((line = clientLines.poll(60, TimeUnit.SECONDS)) != null && !line.equals("DONE")) {
          results.add(line);
        }
        assertTrue(client.waitFor(30, TimeUnit.SECONDS));
        for (String check : CHECKS) {
          String result = results.stream().filter(r -> r.contains("\"check\":\"" + check + "\""))
              .findFirst().orElse("missing");
          assertTrue(result.contains("\"ok\":true"), check + ": " + result + " / all: " + results);
        }
        // what the third-party server saw: query kept, forwarded-for set, the client's close code
        List<String> seen = drain(serverLines, 2, "\"code\":4000");
        assertTrue(seen.stream().anyMatch(s -> s.contains("\"url\":\"/path?q=1\"")
            && s.contains("\"protocol\":\"chat\"") && s.contains("\"xff\":\"127.0.0.1\"")), seen::toString);
        assertTrue(seen.stream().anyMatch(s -> s.contains("\"code\":4000")
            && s.contains("\"reason\":\"bye\"")), seen::toString);
      }
    } finally {
      server.getOutputStream().close(); // the script exits when its stdin ends
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void theWsPackagesClientUsesEveryAgentProfileMethodOfTheCliGateway() throws Exception {
    try (Cli.Started gateway = Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0",
        "--profile", "agent")) {
      Process client = node("ws-gateway-client.js", "ws://127.0.0.1:" + gateway.port() + "/");
      BlockingQueue<String> clientLines = lines(client.getInputStream());
      List<String> results = new ArrayList<>();
      String line;
      while ((line = clientLines.poll(60, TimeUnit.SECONDS)) != null && !line.equals("DONE")) {
        results.add(line);
      }
      assertTrue(client.waitFor(30, TimeUnit.SECONDS));
      for (String check : List.of("tools.list", "sessions.create", "agent.send", "agent.cancel",
          "sessions.history", "sessions.list", "tools.invoke", "system.health", "cancel",
          "tooLarge")) {
        String result = results.stream().filter(r -> r.contains("\"check\":\"" + check + "\""))
            .findFirst().orElse("missing");
        assertTrue(result.contains("\"ok\":true"), check + ": " + result + " / all: " + results);
      }
    }
  }

  /** Takes lines until one contains {@code until} (or the wait runs out). */
  private static List<String> drain(BlockingQueue<String> q, int minimum, String until)
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

  private static Process node(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("node"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(DIR.toFile());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    return pb.start();
  }

  private static BlockingQueue<String> lines(InputStream in) {
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

  private static boolean runs(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
