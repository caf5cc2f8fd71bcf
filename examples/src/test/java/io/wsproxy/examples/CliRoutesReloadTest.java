package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.gateway.Gateway;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proxy --routes FILE} over sockets. While the file changes: a live connection whose
 * session stays survives the reload, the connections of a removed session (proxied, and to its
 * gateway) are closed with 1001, a broken version keeps the routes, and SIGHUP reloads. And the
 * per-entry auth: a route's principals, a session gateway's owner.
 */
class CliRoutesReloadTest {

  private static final Duration RELOAD_WAIT = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  @RegisterExtension
  final Closer open = new Closer();


  private static String routes(int echoPort, boolean withDrop, int keepPort) {
    String keep = "{\"id\": \"keep\", \"host\": \"127.0.0.1\", \"exposures\": [{\"port\": "
        + keepPort + "}]}";
    String drop = ", {\"id\": \"drop\", \"host\": \"127.0.0.1\", \"exposures\": [{\"port\": "
        + echoPort + "}], \"gateway\": {\"profile\": \"rooms\"}}";
    return "{\"publicDomain\": \"proxy.test\", \"secure\": false, \"sessions\": [" + keep
        + (withDrop ? drop : "") + "]}";
  }

  /** Replaces the file in one step, as a careful editor or a config management tool does. */
  private void write(Path file, String content) throws IOException {
    Path tmp = Files.writeString(dir.resolve("routes.json.tmp"), content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes {@code content} to {@code file} and starts {@code proxy --routes file} with {@code flags}. */
  private Cli.Live proxyWithRoutes(Path file, String content, String... flags) throws Exception {
    write(file, content);
    List<String> argv = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--routes",
        file.toString()));
    argv.addAll(List.of(flags));
    return open.keep(new Cli.Live(new ProxyCommand(), argv.toArray(String[]::new)));
  }

  @Test
  void reloadKeepsALiveConnectionAndClosesTheRemovedSessionsWith1001() throws Exception {
    int echo = open.keep(Cli.start(new EchoCommand(), "--listen", "127.0.0.1:0")).port();
    Path file = dir.resolve("routes.json");
    Cli.Live proxy = proxyWithRoutes(file, routes(echo, true, echo));
    assertTrue(proxy.output().contains("session drop gateway: /s/drop/gateway"), proxy.output());
    String base = "ws://127.0.0.1:" + proxy.port();

    WsClient kept = open.keep(WsClient.connect(URI.create(base + "/s/keep/ws")));
    WsClient dropped = open.keep(WsClient.connect(URI.create(base + "/s/drop/ws")));
    WsClient gateway = open.keep(WsClient.connect(URI.create(base + "/s/drop/gateway")));
    assertEquals(Gateway.SESSION_INFO_EVENT, gateway.nextJson().get("type").getAsString());
    assertEquals("pong", gateway.call("{\"type\":\"ping\",\"id\":\"1\"}").get("type")
        .getAsString());
    kept.send("before");
    assertEquals("before", kept.next());
    dropped.send("before");
    assertEquals("before", dropped.next());

    write(file, routes(echo, false, echo));
    String reloaded = proxy.awaitLine("routes reloaded", 1, RELOAD_WAIT);
    assertTrue(reloaded.contains("sessions -drop") && reloaded.contains("gateways -drop"),
        reloaded);
    WsClient.Close proxied = dropped.awaitClose();
    assertEquals(CloseCodes.GOING_AWAY, proxied.code());
    assertEquals("Session ended", proxied.reason());
    assertEquals(CloseCodes.GOING_AWAY, gateway.awaitClose().code());
    kept.send("after");
    assertEquals("after", kept.next());
    assertEquals(404, WsClient.refusedStatus(URI.create(base + "/s/drop/ws"), Map.of()));
    assertEquals(404, WsClient.refusedStatus(URI.create(base + "/s/drop/gateway"), Map.of()));

    // a version that does not parse: one report naming the field, the routes stay
    write(file, routes(echo, false, 70000));
    String refused = proxy.awaitLine("routes not reloaded", 1, RELOAD_WAIT);
    assertTrue(refused.contains(file + ": sessions[0].exposures[0]"), refused);
    kept.send("still");
    assertEquals("still", kept.next());
    WsClient fresh = open.keep(WsClient.connect(URI.create(base + "/s/keep/ws")));
    fresh.send("new connection");
    assertEquals("new connection", fresh.next());

    // SIGHUP reloads at once and reports again, where the watcher would not repeat itself
    if (ignoresSighup()) { // this JVM started under nohup: the CLI must not promise the reload
      assertTrue(proxy.output().contains("(not on SIGHUP: " + Sighup.IGNORED + ")"),
          proxy.output());
      Assumptions.abort("this test JVM ignores SIGHUP (started under nohup?): the reload on "
          + "SIGHUP is not tested; the rest passed");
    }
    assertTrue(proxy.output().contains("and on SIGHUP"), proxy.output());
    Class<?> signal = Class.forName("sun.misc.Signal");
    signal.getMethod("raise", signal).invoke(null,
        signal.getConstructor(String.class).newInstance("HUP"));
    proxy.awaitLine("routes not reloaded", 2, RELOAD_WAIT);
  }

  /**
   * A proxy started by a shell that ignores SIGHUP (what {@code nohup} does) says that SIGHUP does
   * not reload, rather than promising it: the JVM never installs a handler for an ignored SIGHUP.
   */
  @Test
  void aProxyInAProcessThatIgnoresSighupSaysItDoesNotReloadOnIt() throws Exception {
    Path sh = Path.of("/bin/sh");
    Assumptions.assumeTrue(Files.isExecutable(sh), "no /bin/sh to start the proxy ignoring SIGHUP");
    Path file = dir.resolve("routes.json");
    write(file, routes(9, false, 9));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process proxy = new ProcessBuilder(List.of(sh.toString(), "-c",
        "trap '' HUP; exec \"$0\" -Xmx64m -cp \"$1\" " + Main.class.getName()
            + " proxy --listen 127.0.0.1:0 --routes \"$2\"",
        java, System.getProperty("java.class.path"), file.toString()))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      CompletableFuture<String> reloadLine = CompletableFuture.supplyAsync(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = out.readLine()) != null; ) {
            if (line.contains("reload: ")) {
              return line;
            }
          }
          return "(no reload line before the output ended)";
        } catch (IOException e) {
          return "(reading failed: " + e + ")";
        }
      });
      String line = reloadLine.get(RELOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(line.endsWith("changes (not on SIGHUP: " + Sighup.IGNORED + ")"), line);
    } finally {
      proxy.destroyForcibly().waitFor(RELOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Whether this JVM ignores SIGHUP (bit 0 of {@code SigIgn} in {@code /proc/self/status}). */
  private static boolean ignoresSighup() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1) != 0;
      }
    }
    return false;
  }

  @Test
  void aSessionsGatewayAdmitsOnlyThePrincipalsTheSessionAdmits() throws Exception {
    Cli.Live proxy = proxyWithRoutes(dir.resolve("routes.json"), "{\"publicDomain\": \"proxy.test\", \"sessions\": [{\"id\": \"owned\","
        + " \"host\": \"127.0.0.1\", \"owner\": \"alice\", \"exposures\": [{\"port\": 9}],"
        + " \"gateway\": {}}]}", "--no-reload");
    // an anonymous client gets what an unknown session gets
    assertEquals(404, WsClient.refusedStatus(URI.create("ws://127.0.0.1:" + proxy.port()
        + "/s/owned/gateway"), Map.of()));
  }

  @Test
  void aRouteWithPrincipalsAdmitsOnlyThemByTheIdentityHeaderOfATrustedProxy() throws Exception {
    int echo = open.keep(Cli.start(new EchoCommand(), "--listen", "127.0.0.1:0")).port();
    Cli.Live proxy = proxyWithRoutes(dir.resolve("routes.json"), "{\"routes\": ["
        + "{\"prefix\": \"/\", \"upstream\": \"ws://127.0.0.1:" + echo + "\"},"
        + "{\"prefix\": \"/admin\", \"upstream\": \"ws://127.0.0.1:" + echo + "\","
        + " \"principals\": [\"alice\"]}]}", "--no-reload", "--identity-header", "X-User",
        "--trusted-proxy", "127.0.0.1/32", "--principal-header", "X-Forwarded-User");
    URI admin = URI.create("ws://127.0.0.1:" + proxy.port() + "/admin");
    assertEquals(401, WsClient.refusedStatus(admin, Map.of()), "no identity at all");
    assertEquals(403, WsClient.refusedStatus(admin, Map.of("X-User", "bob")));
    WsClient alice = open.keep(WsClient.connect(admin, Map.of("X-User", "alice")));
    alice.send("admin");
    assertEquals("admin", alice.next());
    WsClient bob = open.keep(WsClient.connect(URI.create("ws://127.0.0.1:" + proxy.port()
        + "/public"), Map.of("X-User", "bob")));
    bob.send("public");
    assertEquals("public", bob.next());
  }

  @Test
  void aRouteWithItsOwnUpstreamFailureCodeClosesWithItAndTheOthersWithTheProxys()
      throws Exception {
    int down;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      down = s.getLocalPort(); // closed again: nothing listens there
    }
    String upstream = "\"upstream\": \"ws://127.0.0.1:" + down + "\"";
    Cli.Live proxy = proxyWithRoutes(dir.resolve("routes.json"), "{\"routes\": ["
        + "{\"prefix\": \"/own\", " + upstream + ", \"upstreamFailureCloseCode\": 4502},"
        + "{\"prefix\": \"/plain\", " + upstream + "}]}", "--no-reload",
        "--reject-with", "close-code");
    String base = "ws://127.0.0.1:" + proxy.port();
    // close-code mode: the upgrade completes, then the close carries the route's code
    assertEquals(4502, open.keep(WsClient.connect(URI.create(base + "/own"))).awaitClose().code());
    assertEquals(CloseCodes.BAD_GATEWAY,
        open.keep(WsClient.connect(URI.create(base + "/plain"))).awaitClose().code());
  }

  @Test
  void noReloadReadsTheFileOnce() throws Exception {
    Cli.Live proxy = proxyWithRoutes(dir.resolve("routes.json"), routes(9, true, 9),
        "--no-reload");
    assertTrue(!proxy.output().contains("reload:"), proxy.output());
    Cli.Result misuse = Cli.run("proxy", "--listen", "127.0.0.1:0", "--route",
        "/=ws://127.0.0.1:9", "--no-reload");
    assertEquals(Main.EXIT_USAGE, misuse.exitCode());
    assertTrue(misuse.err().contains("--no-reload needs --routes FILE"), misuse.err());
  }
}
