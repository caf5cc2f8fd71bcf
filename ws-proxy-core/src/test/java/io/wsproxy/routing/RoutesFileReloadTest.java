package io.wsproxy.routing;

import static io.wsproxy.routing.Requests.resolve;
import static io.wsproxy.routing.Requests.route;
import static io.wsproxy.routing.Requests.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.RouteResult;
import io.wsproxy.gateway.GatewayProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RoutesFile#reload}: the diff between two versions, and {@link RoutesFileWatcher}. */
class RoutesFileReloadTest {

  private static final String V1 = """
      {"publicDomain": "sandbox.example.com",
       "routes": [{"prefix": "/echo", "upstream": "ws://127.0.0.1:9001"}],
       "sessions": [
         {"id": "kept", "host": "127.0.0.1", "exposures": [{"port": 5000}]},
         {"id": "changed", "host": "127.0.0.1", "exposures": [{"port": 5001}]},
         {"id": "gone", "host": "127.0.0.1", "exposures": [{"port": 5002}],
          "gateway": {}}],
       "plugins": [{"name": "stays", "port": 9003}, {"name": "removed", "port": 9004},
                   {"name": "stopped", "port": 9005}]}
      """;

  /** V1 with keys reordered in "kept", "changed" on another port, "gone" gone, "new" added. */
  private static final String V2 = """
      {"publicDomain": "sandbox.example.com",
       "routes": [{"prefix": "/echo", "upstream": "ws://127.0.0.1:9101"}],
       "sessions": [
         {"exposures": [{"port": 5000}], "host": "127.0.0.1", "id": "kept"},
         {"id": "changed", "host": "127.0.0.1", "exposures": [{"port": 6001}],
          "gateway": {"profile": "agent"}},
         {"id": "new", "host": "127.0.0.1", "exposures": [{"port": 5003}]}],
       "plugins": [{"name": "stays", "port": 9003}, {"name": "stopped", "port": 9005,
                    "running": false}, {"name": "added", "port": 9006}]}
      """;

  @Test
  void reloadDiffsSessionsPluginsAndStaticRoutesAndClosesWhatIsGoneWith1001() {
    RoutesFile routes = RoutesFile.parse(V1, "routes.json");
    SessionRegistry sessions = routes.sessions().orElseThrow();
    Requests.FakeConnection kept = join(sessions, "kept");
    Requests.FakeConnection changed = join(sessions, "changed");
    Requests.FakeConnection gone = join(sessions, "gone");
    Requests.FakeConnection removedPlugin = joinPlugin(routes, "removed");
    Requests.FakeConnection stoppedPlugin = joinPlugin(routes, "stopped");
    Requests.FakeConnection stayingPlugin = joinPlugin(routes, "stays");

    RoutesChange change = routes.reload(V2);

    assertEquals(Set.of("new"), change.sessionsAdded());
    assertEquals(Set.of("changed"), change.sessionsUpdated()); // "kept" only reordered its keys
    assertEquals(Set.of("gone"), change.sessionsEnded());
    assertEquals(Set.of("added"), change.pluginsAdded());
    assertEquals(Set.of("stopped"), change.pluginsUpdated());
    assertEquals(Set.of("removed"), change.pluginsRemoved());
    assertTrue(change.staticRoutesChanged());
    assertEquals(Set.of("gone"), change.gatewaysEnded());
    assertEquals(Set.of("changed"), change.gatewaysStarted());

    assertEquals(List.of(), kept.closes());
    assertEquals(List.of(), changed.closes(), "a changed session keeps its open connections");
    assertEquals(List.of("1001 Session ended"), gone.closes());
    assertEquals(List.of("1001 Plugin stopped"), removedPlugin.closes());
    assertEquals(List.of("1001 Plugin stopped"), stoppedPlugin.closes());
    assertEquals(List.of(), stayingPlugin.closes());

    // new connections get the new version
    assertEquals("ws://127.0.0.1:9101/x", upstream(routes.resolver(), "/echo/x"));
    assertEquals("ws://127.0.0.1:6001/",
        upstream(routes.resolver(), "/s/changed/ws"));
    assertEquals("ws://127.0.0.1:5003/", upstream(routes.resolver(), "/s/new/ws"));
    assertSame(SessionRoutes.SESSION_NOT_FOUND, resolve(routes.resolver(), "/s/gone/ws"));
    assertEquals("ws://127.0.0.1:9006/ws", upstream(routes.resolver(), "/plugin-ws/added"));
    assertEquals(List.of("kept", "changed", "new"),
        routes.registeredSessions().stream().map(RegisteredSession::id).toList());
    assertEquals(Map.of("changed", new RoutesFile.SessionGateway(GatewayProtocol.JSON_RPC,
        "agent")), routes.sessionGateways());
    // a connection to a changed session still belongs to its group: ending it closes it
    sessions.end("changed");
    assertEquals(List.of("1001 Session ended"), changed.closes());
  }

  @Test
  void aChangedUpstreamFailureCodeIsAChangeThatKeepsOpenConnectionsAndAppliesToNewOnes() {
    String v1 = """
        {"publicDomain": "sandbox.example.com",
         "routes": [{"prefix": "/echo", "upstream": "ws://127.0.0.1:9001"}],
         "sessions": [{"id": "s", "host": "127.0.0.1", "exposures": [{"port": 5000}]}],
         "plugins": [{"name": "p", "port": 9003, "upstreamFailureCloseCode": 4502}]}
        """;
    String v2 = """
        {"publicDomain": "sandbox.example.com",
         "routes": [{"prefix": "/echo", "upstream": "ws://127.0.0.1:9001",
                     "upstreamFailureCloseCode": 4502}],
         "sessions": [{"id": "s", "host": "127.0.0.1", "exposures": [{"port": 5000}],
                       "upstreamFailureCloseCode": 4503}],
         "plugins": [{"name": "p", "port": 9003}]}
        """;
    RoutesFile routes = RoutesFile.parse(v1, "routes.json");
    Requests.FakeConnection session = join(routes.sessions().orElseThrow(), "s");
    Requests.FakeConnection plugin = joinPlugin(routes, "p");

    RoutesChange change = routes.reload(v2);

    assertEquals(Set.of("s"), change.sessionsUpdated());
    assertEquals(Set.of("p"), change.pluginsUpdated());
    assertTrue(change.staticRoutesChanged());
    assertEquals(List.of(), session.closes(), "open connections keep their route");
    assertEquals(List.of(), plugin.closes());
    assertEquals(4502, route(routes.resolver(), "/echo/x").upstreamFailureCloseCode());
    assertEquals(4503, route(routes.resolver(), "/s/s/ws").upstreamFailureCloseCode());
    assertEquals(null, route(routes.resolver(), "/plugin-ws/p").upstreamFailureCloseCode(),
        "removing the field goes back to the proxy's");
  }

  @Test
  void reloadingTheSameContentIsNoChange() {
    RoutesFile routes = RoutesFile.parse(V1, "routes.json");
    assertSame(RoutesChange.NONE, routes.reload(V1));
    assertTrue(routes.reload(V1.replace("\n", " ")).isEmpty(), "whitespace only");
  }

  @Test
  void aVersionThatFailsToParseChangesNothingAndNamesTheFileAndField() {
    RoutesFile routes = RoutesFile.parse(V1, "routes.json");
    Requests.FakeConnection gone = join(routes.sessions().orElseThrow(), "gone");
    String broken = V2.replace("\"port\": 5003", "\"port\": 70000");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> routes.reload(broken));
    assertTrue(e.getMessage().startsWith("routes.json: sessions[2].exposures[0]"), e.getMessage());
    assertEquals(List.of(), gone.closes());
    assertEquals("ws://127.0.0.1:9001/x", upstream(routes.resolver(), "/echo/x"));
    assertNotNull(routes.sessions().orElseThrow().get("gone").orElse(null));
    // and the good version still applies afterwards
    assertEquals(Set.of("gone"), routes.reload(V2).sessionsEnded());
  }

  @Test
  void aReloadThatChangesTheRegistrySettingsIsRefusedNamingTheField() {
    RoutesFile routes = RoutesFile.parse(V1, "routes.json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> routes.reload(V1.replace("sandbox.example.com", "other.example.com")));
    assertEquals("routes.json: publicDomain: cannot change on reload (restart to change it)",
        e.getMessage());
  }

  @Test
  void pluginsAndStaticRoutesMayAppearAndDisappearOnReload() {
    RoutesFile routes = RoutesFile.parse("""
        {"routes": [{"prefix": "/echo", "upstream": "ws://127.0.0.1:9001"}]}""", "r.json");
    assertSame(RouteResult.NO_MATCH, resolve(routes.resolver(), "/plugin-ws/p"));
    RoutesChange change = routes.reload("{\"plugins\": [{\"name\": \"p\", \"port\": 9003}]}");
    assertEquals(Set.of("p"), change.pluginsAdded());
    assertTrue(change.staticRoutesChanged());
    assertEquals("ws://127.0.0.1:9003/ws", upstream(routes.resolver(), "/plugin-ws/p"));
    assertSame(RouteResult.NO_MATCH, resolve(routes.resolver(), "/echo"));
    assertTrue(routes.staticRoutes().isEmpty());
  }

  @Test
  void aStaticRouteWithPrincipalsAdmitsOnlyThemAndRefusesAnonymousWith401() {
    RoutesFile routes = RoutesFile.parse("""
        {"routes": [{"prefix": "/", "upstream": "ws://127.0.0.1:9001"},
                    {"prefix": "/admin", "upstream": "ws://127.0.0.1:9002",
                     "principals": ["alice", "bob"]}]}""", "r.json");
    var resolver = routes.resolver();
    assertEquals(401, assertInstanceOf(Rejection.class,
        resolver.resolve(Requests.request("/admin/x"), Principal.ANONYMOUS)).httpStatus());
    assertEquals(403, assertInstanceOf(Rejection.class,
        resolver.resolve(Requests.request("/admin"), Principal.of("mallory"))).httpStatus());
    assertEquals("ws://127.0.0.1:9002/x", assertInstanceOf(Route.class,
        resolver.resolve(Requests.request("/admin/x"), Principal.of("bob"))).upstream().toString());
    // the unrestricted route stays open, also to paths that only look like the restricted one
    assertEquals("ws://127.0.0.1:9001/adminx", upstream(resolver, "/adminx"));
  }

  @Test
  void refusesAnEmptyPrincipalListAndABadGatewayEntryNamingTheField() {
    IllegalArgumentException principals = assertThrows(IllegalArgumentException.class,
        () -> RoutesFile.parse("{\"routes\": [{\"prefix\": \"/\", \"upstream\": \"ws://h:1\","
            + " \"principals\": []}]}", "r.json"));
    assertTrue(principals.getMessage().startsWith("r.json: routes[0].principals: "),
        principals.getMessage());
    IllegalArgumentException profile = assertThrows(IllegalArgumentException.class,
        () -> RoutesFile.parse(V1.replace("\"gateway\": {}", "\"gateway\": {\"profile\": \"x\"}"),
            "r.json"));
    assertTrue(profile.getMessage().startsWith("r.json: sessions[2].gateway.profile: must be one"),
        profile.getMessage());
    IllegalArgumentException field = assertThrows(IllegalArgumentException.class,
        () -> RoutesFile.parse(V1.replace("\"gateway\": {}", "\"gateway\": {\"path\": \"/gw\"}"),
            "r.json"));
    assertTrue(field.getMessage().startsWith("r.json: sessions[2].gateway.path: unknown field"),
        field.getMessage());
  }

  @Test
  void theWatcherAppliesAnEditAndKeepsTheOldRoutesForABrokenOne(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("routes.json");
    Files.writeString(file, V1);
    RoutesFile routes = RoutesFile.load(file);
    LinkedBlockingQueue<RoutesChange> changes = new LinkedBlockingQueue<>();
    try (RoutesFileWatcher watcher = RoutesFileWatcher.watch(routes, Duration.ofMillis(50),
        changes::add)) {
      Files.writeString(file, V2);
      RoutesChange change = changes.poll(10, TimeUnit.SECONDS);
      assertNotNull(change, "no reload within 10 s");
      assertEquals(Set.of("gone"), change.sessionsEnded());

      Files.writeString(file, "{\"routes\": ");
      assertTrue(watcher.reloadNow().isEmpty(), "a broken file is not applied");
      assertEquals("ws://127.0.0.1:9101/x", upstream(routes.resolver(), "/echo/x"));
      Files.writeString(file, V1);
      change = changes.poll(10, TimeUnit.SECONDS);
      assertNotNull(change, "no reload after the file was mended");
      assertEquals(Set.of("gone"), change.sessionsAdded());
    }
  }

  @Test
  void closingTheWatcherEndsItsThread(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("routes.json");
    Files.writeString(file, V1);
    RoutesFileWatcher watcher = RoutesFileWatcher.watch(RoutesFile.load(file), c -> { });
    watcher.close();
    watcher.close();
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(RoutesFileWatcher.THREAD_NAME) && t.isAlive()));
  }

  private static Requests.FakeConnection join(SessionRegistry sessions, String id) {
    Requests.FakeConnection c = new Requests.FakeConnection();
    sessions.get(id).orElseThrow().session().connections().join(c);
    return c;
  }

  private static Requests.FakeConnection joinPlugin(RoutesFile routes, String name) {
    Route r = Requests.route(routes.resolver(), "/plugin-ws/" + name);
    Requests.FakeConnection c = new Requests.FakeConnection();
    r.group().join(c);
    return c;
  }
}
