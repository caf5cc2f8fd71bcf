package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsproxy.CloseCodes;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.RejectionMode;
import io.wsproxy.RouteResolver;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.routing.Backend;
import io.wsproxy.routing.BackendRegistry;
import io.wsproxy.routing.PublicUrls;
import io.wsproxy.routing.Session;
import io.wsproxy.routing.SessionRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Named backends through the real proxy (issue 4): {@code /plugin-ws/{name}} reaches the running
 * plugin, bad names, stopped plugins and traversals get the close codes the replaced systems used,
 * and one proxy serves sessions, plugins and static routes together.
 */
class PluginRoutingEndToEndTest {

  private static WebSocketProxy.Builder proxy(RouteResolver routes) {
    return WebSocketProxy.builder().routes(routes).rejectionMode(RejectionMode.CLOSE_CODE)
        .limits(E2eProxy.limits().build());
  }

  @Test
  void routesAPluginNameToItsBackendWithPathAndQuery() throws Exception {
    BackendRegistry plugins = BackendRegistry.create();
    try (E2eBackend terminal = E2eBackend.start("term");
        E2eProxy proxy = E2eProxy.start(proxy(plugins.routes()))) {
      plugins.register(Backend.of("web-terminal", terminal.getPort()));

      JdkClient client = proxy.jdk("/plugin-ws/web-terminal?cols=80");
      assertEquals("term:ls", E2eProxy.roundTrip(client, "ls"));
      assertEquals("/ws?cols=80", terminal.nextHandshake().target());
      JdkClient tab = proxy.jdk("/plugin-ws/web-terminal/tab/2");
      assertEquals("term:tab", E2eProxy.roundTrip(tab, "tab"));
      assertEquals("/ws/tab/2", terminal.nextHandshake().target());
    }
  }

  @Test
  void refusesBadNamesStoppedPluginsAndTraversalsWithTheirCloseCodes() throws Exception {
    BackendRegistry plugins = BackendRegistry.create();
    try (E2eBackend terminal = E2eBackend.start("term");
        E2eProxy proxy = E2eProxy.start(proxy(plugins.routes()))) {
      plugins.register(Backend.of("web-terminal", terminal.getPort()));
      plugins.register(Backend.of("stopped", terminal.getPort()), false);
      E2eRawClient.Answer invalidName = E2eRawClient.Answer.closed(4400, "Invalid plugin name");
      E2eRawClient.Answer invalidPath = E2eRawClient.Answer.closed(4400, "Invalid path");
      E2eRawClient.Answer notRunning = E2eRawClient.Answer.closed(4404, "Plugin not running");

      Map<String, E2eRawClient.Answer> expected = new LinkedHashMap<>();
      expected.put("/plugin-ws/bad.name", invalidName);
      expected.put("/plugin-ws/web-terminal%2f..%2fadmin", invalidName);
      expected.put("/plugin-ws/%2e%2e", invalidName);
      expected.put("/plugin-ws/..", invalidName);
      expected.put("/plugin-ws/" + "a".repeat(Backend.MAX_NAME_LENGTH + 1), invalidName);
      expected.put("/plugin-ws/x/%2e%2e/y", invalidPath);
      expected.put("/plugin-ws/web-terminal/%2e%2e/admin", invalidPath);
      expected.put("/plugin-ws/web-terminal/a%2fb", invalidPath);
      expected.put("/plugin-ws/web-terminal/..%5cadmin", invalidPath);
      expected.put("/plugin-ws/nosuch", notRunning);
      expected.put("/plugin-ws/stopped", notRunning);
      assertEquals(expected, proxy.answersByTarget(expected.keySet()));
      assertEquals(0, terminal.tcpConnections());
    }
  }

  @Test
  void stoppingAPluginClosesItsLiveConnectionsAndRefusesNewOnes() throws Exception {
    BackendRegistry plugins = BackendRegistry.create();
    try (E2eBackend terminal = E2eBackend.start("term");
        E2eProxy proxy = E2eProxy.start(proxy(plugins.routes()))) {
      plugins.register(Backend.of("web-terminal", terminal.getPort()));
      JdkClient client = proxy.jdk("/plugin-ws/web-terminal");
      assertEquals("term:up", E2eProxy.roundTrip(client, "up"));

      plugins.setRunning("web-terminal", false);

      assertEquals(new CloseEvent(CloseCodes.GOING_AWAY, BackendRegistry.STOPPED_REASON, true),
          client.awaitClose());
      assertEquals(CloseCodes.GOING_AWAY, terminal.nextClose().code());
      assertEquals(E2eRawClient.Answer.closed(4404, "Plugin not running"),
          proxy.answer("/plugin-ws/web-terminal"));
    }
  }

  @Test
  void oneProxyServesSessionsPluginsAndStaticRoutesFirstMatchWinning() throws Exception {
    SessionRegistry sessions = SessionRegistry.create(
        PublicUrls.builder().publicDomain("proxy.example.com").build());
    BackendRegistry plugins = BackendRegistry.create();
    try (E2eBackend vm = E2eBackend.start("vm");
        E2eBackend terminal = E2eBackend.start("term");
        E2eBackend assets = E2eBackend.start("static");
        E2eProxy proxy = E2eProxy.start(proxy(RouteResolver.firstMatch(
            sessions.routes(),
            plugins.routes(),
            PathPrefixRoutes.builder().route("/", assets.url("/base")).build())))) {
      sessions.register(Session.builder().id("abc").host("127.0.0.1").expose(vm.getPort())
          .build());
      plugins.register(Backend.of("web-terminal", terminal.getPort()));

      assertEquals("vm:1", E2eProxy.roundTrip(proxy.jdk("/s/abc/ws/dev"), "1"));
      assertEquals("term:2", E2eProxy.roundTrip(proxy.jdk("/plugin-ws/web-terminal"), "2"));
      assertEquals("static:3", E2eProxy.roundTrip(proxy.jdk("/docs/live"), "3"));
      assertEquals(List.of("/dev", "/ws", "/base/docs/live"), List.of(
          vm.nextHandshake().target(), terminal.nextHandshake().target(),
          assets.nextHandshake().target()));

      // a refusal by an earlier resolver is final: the catch-all static route never sees it
      assertEquals(E2eRawClient.Answer.closed(4404, "Session not found"),
          proxy.answer("/s/nosuch/ws/x"));
      assertEquals(E2eRawClient.Answer.closed(4404, "Plugin not running"),
          proxy.answer("/plugin-ws/nosuch"));
      assertEquals(1, assets.tcpConnections());
    }
  }

  @Test
  void answersNoRouteWhenNoResolverMatches() throws Exception {
    BackendRegistry plugins = BackendRegistry.create();
    try (E2eBackend assets = E2eBackend.start("static");
        E2eProxy proxy = E2eProxy.start(proxy(RouteResolver.firstMatch(plugins.routes(),
            PathPrefixRoutes.builder().route("/static", assets.url("")).build())))) {
      assertEquals(E2eRawClient.Answer.closed(4404, "No route"), proxy.answer("/elsewhere"));
      assertEquals(E2eRawClient.Answer.closed(4404, "No route"), proxy.answer("/staticx"));
      assertEquals(0, assets.tcpConnections());
    }
  }
}
