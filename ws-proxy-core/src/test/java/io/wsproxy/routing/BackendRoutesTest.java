package io.wsproxy.routing;

import static io.wsproxy.routing.Requests.resolve;
import static io.wsproxy.routing.Requests.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.RouteResult;
import io.wsproxy.routing.Requests.FakeConnection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendRoutesTest {

  private static final String STOPPED = "1001 Plugin stopped";

  private final BackendRegistry plugins = BackendRegistry.create();
  private final BackendRoutes routes = plugins.routes();

  BackendRoutesTest() {
    plugins.register(Backend.of("web-terminal", 9003));
  }

  @Test
  void routesANameToItsLoopbackPortAndDefaultPath() {
    assertEquals("ws://127.0.0.1:9003/ws", upstream(routes, "/plugin-ws/web-terminal"));
    assertEquals("ws://127.0.0.1:9003/ws/", upstream(routes, "/plugin-ws/web-terminal/"));
    assertEquals("ws://127.0.0.1:9003/ws?cols=80&rows=24",
        upstream(routes, "/plugin-ws/web-terminal?cols=80&rows=24"));
    assertEquals("ws://127.0.0.1:9003/ws/tab/2", upstream(routes, "/plugin-ws/web-terminal/tab/2"));
  }

  @Test
  void usesTheConfiguredHostPathAndSubprotocols() {
    BackendRegistry r = BackendRegistry.create("10.1.2.3");
    r.register(new Backend("vnc", 6080, "/websockify", List.of("binary")));
    Route route = Requests.route(r.routes(), "/plugin-ws/vnc");
    assertEquals("ws://10.1.2.3:6080/websockify", route.upstream().toString());
    assertEquals(List.of("binary"), route.subprotocols());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/plugin-ws", "/plugin-ws/", "/plugin-ws/..", "/plugin-ws/.",
      "/plugin-ws/%2e%2e", "/plugin-ws/%2E%2E", "/plugin-ws/..%2fetc", "/plugin-ws/a%2fb",
      "/plugin-ws/a%5cb", "/plugin-ws/%252e%252e", "/plugin-ws/a.b", "/plugin-ws/a b",
      "/plugin-ws/evil.example.com:80", "/plugin-ws/web-terminal@evil",
      "/plugin-ws/web%2Dterminal"})
  void refusesInvalidNamesWith4400(String path) {
    Rejection r = assertInstanceOf(Rejection.class, resolve(routes, path.replace(" ", "%20")));
    assertEquals(new Rejection(400, 4400, "Invalid plugin name"), r, path);
  }

  @Test
  void refusesNamesLongerThan64() {
    plugins.register(Backend.of("a".repeat(64), 9005));
    assertEquals("ws://127.0.0.1:9005/ws", upstream(routes, "/plugin-ws/" + "a".repeat(64)));
    assertEquals("Invalid plugin name",
        ((Rejection) resolve(routes, "/plugin-ws/" + "a".repeat(65))).reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/plugin-ws/web-terminal/..", "/plugin-ws/web-terminal/../../x",
      "/plugin-ws/web-terminal/%2e%2e/x", "/plugin-ws/web-terminal/a%2fb",
      "/plugin-ws/web-terminal/%5c", "/plugin-ws/web-terminal/%252e%252e"})
  void refusesTraversalBelowTheName(String path) {
    assertSame(SessionRoutes.INVALID_PATH, resolve(routes, path));
  }

  @Test
  void refusesARequestThatMakesNoValidUpstreamUri() {
    assertSame(SessionRoutes.INVALID_PATH, resolve(routes, "/plugin-ws/web-terminal?a=|b"));
    assertSame(SessionRoutes.INVALID_PATH, resolve(routes, "/plugin-ws/web-terminal/a b"));
  }

  @Test
  void answersPluginNotRunningForUnknownAndStoppedNames() {
    Rejection expected = new Rejection(404, 4404, "Plugin not running");
    assertEquals(expected, resolve(routes, "/plugin-ws/nosuch"));
    assertTrue(plugins.setRunning("web-terminal", false));
    assertFalse(plugins.isRunning("web-terminal"));
    assertEquals(expected, resolve(routes, "/plugin-ws/web-terminal"));
    assertTrue(plugins.get("web-terminal").isPresent());
    plugins.setRunning("web-terminal", true);
    assertInstanceOf(Route.class, resolve(routes, "/plugin-ws/web-terminal"));
    assertTrue(plugins.unregister("web-terminal"));
    assertEquals(expected, resolve(routes, "/plugin-ws/web-terminal"));
    assertFalse(plugins.setRunning("web-terminal", true));
    assertFalse(plugins.unregister("web-terminal"));
  }

  @Test
  void leavesOtherPathsToOtherResolvers() {
    for (String p : new String[] {"/", "/plugin-wsx/a", "/plugins/a", "/s/abc/ws"}) {
      assertSame(RouteResult.NO_MATCH, resolve(routes, p), p);
    }
  }

  @Test
  void stoppingOrUnregisteringClosesOpenConnectionsAndLateJoiners() {
    Route before = Requests.route(routes, "/plugin-ws/web-terminal");
    FakeConnection open = FakeConnection.openOn(before);
    plugins.setRunning("web-terminal", false);
    assertEquals(List.of(STOPPED), open.closes());
    assertEquals(List.of(STOPPED), FakeConnection.openOn(before).closes());

    plugins.setRunning("web-terminal", true);
    FakeConnection again = FakeConnection.openOn(Requests.route(routes, "/plugin-ws/web-terminal"));
    assertEquals(List.of(), again.closes());
    plugins.register(Backend.of("web-terminal", 9004)); // restarted on a new port
    assertEquals(List.of(), again.closes(), "re-registering keeps open connections");
    assertEquals("ws://127.0.0.1:9004/ws", upstream(routes, "/plugin-ws/web-terminal"));
    plugins.unregister("web-terminal");
    assertEquals(List.of(STOPPED), again.closes());
  }

  @Test
  void registeringStoppedClosesWhatWasOpen() {
    FakeConnection open = FakeConnection.openOn(Requests.route(routes, "/plugin-ws/web-terminal"));
    plugins.register(Backend.of("web-terminal", 9003), false);
    assertEquals(List.of(STOPPED), open.closes());
    assertFalse(plugins.isRunning("web-terminal"));
  }

  @Test
  void usesAConfiguredPattern() {
    BackendRoutes custom = BackendRoutes.builder(plugins).pattern("/ext/{name}/socket").build();
    assertEquals("ws://127.0.0.1:9003/ws", upstream(custom, "/ext/web-terminal/socket"));
    assertSame(RouteResult.NO_MATCH, resolve(custom, "/plugin-ws/web-terminal"));
    assertThrows(IllegalArgumentException.class,
        () -> BackendRoutes.builder(plugins).pattern("/ext/{plugin}"));
  }

  @Test
  void rejectsBadBackendsNamingTheField() {
    assertEquals("name must match [A-Za-z0-9_-]{1,64}: a.b",
        assertThrows(IllegalArgumentException.class, () -> Backend.of("a.b", 1)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Backend.of("a", 0))
        .getMessage().startsWith("port"));
    for (String bad : new String[] {"ws", "/ws/../x", "/a%2fb", "/a b"}) {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> Backend.of("a", 1, bad))
          .getMessage().startsWith("path"), bad);
    }
    assertEquals("/ws", new Backend("a", 1, null, null).path());
    assertThrows(IllegalArgumentException.class, () -> BackendRegistry.create("127.0.0.1:80"));
    assertThrows(IllegalArgumentException.class, () -> BackendRegistry.create("ws://h"));
  }

  @Test
  void aBackendsUpstreamFailureCodeIsCheckedAndItsFourComponentFormMeansTheProxys() {
    assertEquals(null, new Backend("p", 1, "/ws", List.of()).upstreamFailureCloseCode());
    assertEquals(4502, new Backend("p", 1, "/ws", List.of(), 4502).upstreamFailureCloseCode());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Backend("p", 1, "/ws", List.of(), 1015));
    assertEquals("upstreamFailureCloseCode cannot be sent on the wire: 1015", e.getMessage());
  }
}
