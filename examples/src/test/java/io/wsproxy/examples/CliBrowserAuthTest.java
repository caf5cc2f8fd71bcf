package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A browser authenticates to the CLI proxy: headless Chromium (see {@link HeadlessChromium}) opens
 * WebSockets through {@code proxy --bearer-token T --bearer-query-param access_token
 * --bearer-subprotocol} to a {@code ws}-package backend (see {@link NodePeers}), with the token in
 * the query and in the subprotocol offer, and is refused without one. The backend's log shows the
 * upstream never saw the token. Skipped, visibly, without Chromium or Node.js.
 */
class CliBrowserAuthTest {

  private static final String TOKEN = "browser-token-0123456789";
  private static final String PARAM = "access_token";
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);

  @Test
  void chromiumAuthenticatesWithAQueryOrSubprotocolTokenAndIsRefusedWithoutOne()
      throws Exception {
    assumeTrue(HeadlessChromium.available(),
        "headless Chromium is needed: apt-get install chromium (.ci/run installs it)");
    NodePeers.install();
    try (NodePeers.Backend backend = NodePeers.startServer("--prefer", "chat");
        Cli.Started proxy = Cli.start(new ProxyCommand(), "--listen", "127.0.0.1:0",
            "--route", "/=" + backend.uri(), "--bearer-token", TOKEN,
            "--bearer-query-param", PARAM, "--bearer-subprotocol")) {
      String page;
      try (InputStream in = getClass().getResourceAsStream("/thirdparty/chromium-auth-page.html")) {
        page = new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .replace("PROXY_URL", "ws://127.0.0.1:" + proxy.port() + "/room")
            .replace("PARAM", PARAM).replace("TOKEN", TOKEN);
      }
      HeadlessChromium.Outcome outcome = HeadlessChromium.load(page, PAGE_TIMEOUT);
      JsonObject report = JsonParser.parseString(outcome.reported()).getAsJsonObject();

      JsonObject query = report.getAsJsonObject("query");
      assertEquals("hello", str(query, "echo"), () -> "query token: " + report);
      JsonObject subprotocol = report.getAsJsonObject("subprotocol");
      assertEquals("hello", str(subprotocol, "echo"), () -> "subprotocol token: " + report);
      assertEquals("chat", str(subprotocol, "protocol"),
          () -> "the upstream's choice reaches the page: " + report);
      JsonObject none = report.getAsJsonObject("none");
      assertFalse(none.get("opened").getAsBoolean(), () -> "no token must be refused: " + report);

      // two connections reached the backend, neither with the token nor the bearer entry
      List<String> seen = NodePeers.drain(backend.lines(), 2, "\"event\":\"connection\"");
      List<String> connections = seen.stream().filter(l -> l.contains("\"connection\"")).toList();
      assertEquals(2, connections.size(), () -> "backend saw: " + seen);
      for (String line : connections) {
        assertFalse(line.contains(TOKEN) || line.contains(PARAM) || line.contains("bearer"),
            () -> "the token reached the upstream: " + line);
      }
      assertTrue(connections.get(0).contains("\"url\":\"/room\""), connections::toString);
      assertTrue(connections.get(1).contains("\"offered\":\"chat\""), connections::toString);
      assertEquals(401, WsClient.refusedStatus(java.net.URI.create("ws://127.0.0.1:"
          + proxy.port() + "/room?" + PARAM + "=wrong-token-0123456789"), Map.of()));
    }
  }

  @Test
  void theGatewayTakesTheSameTokenFlags() throws Exception {
    try (Cli.Started gateway = Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0",
        "--bearer-token", TOKEN, "--bearer-query-param", PARAM, "--bearer-subprotocol")) {
      String base = "ws://127.0.0.1:" + gateway.port() + "/";
      assertEquals(401, WsClient.refusedStatus(java.net.URI.create(base), Map.of()));
      try (WsClient byQuery = WsClient.connect(java.net.URI.create(base + "?" + PARAM + "="
          + TOKEN))) {
        assertEquals(io.wsproxy.gateway.Gateway.SESSION_INFO_EVENT,
            byQuery.nextJson().get("type").getAsString());
      }
      assertTrue(Cli.run("gateway", "--help").out().contains("--bearer-subprotocol"));
    }
  }

  @Test
  void tokenSourcesWithoutTokensAreAUsageError() {
    Cli.Result r = Cli.run("proxy", "--listen", "127.0.0.1:0", "--route", "/=ws://127.0.0.1:9",
        "--bearer-subprotocol");
    assertEquals(Main.EXIT_USAGE, r.exitCode());
    assertTrue(r.err().contains("--bearer-subprotocol needs --bearer-token"), r.err());
  }

  private static String str(JsonObject o, String field) {
    return o.has(field) ? o.get(field).getAsString() : null;
  }
}
