package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.routing.ExposedUrls;
import io.wsproxy.routing.SessionRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A sandbox session with two exposed ports and a plugin, behind one proxy. */
class SandboxAndPluginHostTest {

  private SandboxAndPluginHost host;

  @BeforeEach
  void start() throws Exception {
    host = SandboxAndPluginHost.start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    host.close();
  }

  private static String roundTrip(URI url, String text) throws Exception {
    try (WsClient client = WsClient.connect(url)) {
      client.send(text);
      return client.next();
    }
  }

  @Test
  void routesTheSessionsDefaultAndApiPortsAndThePlugin() throws Exception {
    assertEquals("dev-server /: hi", roundTrip(host.localSessionUrl("/"), "hi"));
    assertEquals("dev-server /src/main.ts?t=1",
        roundTrip(host.localSessionUrl("/src/main.ts?t=1"), "hi").replace(": hi", ""));
    assertEquals("api /api: hi", roundTrip(host.localSessionUrl("/api"), "hi"));
    assertEquals("api /api/users?page=2: hi",
        roundTrip(host.localSessionUrl("/api/users?page=2"), "hi"));
    assertEquals("dev-server /apix: hi", roundTrip(host.localSessionUrl("/apix"), "hi"),
        "a prefix matches whole segments only");
    assertEquals("web-terminal /ws?cols=80: hi",
        roundTrip(host.localUrl("/plugin-ws/web-terminal?cols=80"), "hi"));
  }

  @Test
  void refusesUnknownSessionsAndPluginsWith404AndBadNamesWith400() {
    assertEquals(404, WsClient.refusedStatus(host.localUrl("/s/other/ws/"), Map.of()));
    assertEquals(404, WsClient.refusedStatus(host.localUrl("/plugin-ws/vnc"), Map.of()));
    assertEquals(400, WsClient.refusedStatus(host.localUrl("/plugin-ws/%2e%2e"), Map.of()));
    assertEquals(404, WsClient.refusedStatus(host.localUrl("/elsewhere"), Map.of()));
  }

  @Test
  void endingTheSessionClosesItsConnectionsWith1001AndLeavesThePluginsOpen() throws Exception {
    try (WsClient dev = WsClient.connect(host.localSessionUrl("/"));
        WsClient api = WsClient.connect(host.localSessionUrl("/api"));
        WsClient terminal = WsClient.connect(host.localUrl("/plugin-ws/web-terminal"))) {
      for (WsClient c : new WsClient[] {dev, api, terminal}) {
        c.send("ready");
        assertTrue(c.next().endsWith(": ready"));
      }
      assertEquals(2, host.session().liveConnections());

      assertTrue(host.endSession());

      for (WsClient c : new WsClient[] {dev, api}) {
        WsClient.Close close = c.awaitClose();
        assertEquals(CloseCodes.GOING_AWAY, close.code());
        assertEquals(SessionRegistry.ENDED_REASON, close.reason());
      }
      assertEquals(404, WsClient.refusedStatus(host.localSessionUrl("/"), Map.of()));
      terminal.send("still here");
      assertEquals("web-terminal /ws: still here", terminal.next());
      assertFalse(host.endSession(), "already ended");
    }
  }

  @Test
  void exposedUrlsUseThePublicDomainInBothStyles() {
    ExposedUrls urls = host.session().urls();
    ExposedUrls.Exposed api = urls.forPrefix(SandboxAndPluginHost.API_PREFIX).orElseThrow();
    assertEquals(URI.create("wss://sandbox.example.test/s/demo/ws/api"), api.path().ws());
    assertEquals(URI.create("https://s-demo.sandbox.example.test/api"), api.subdomain().http());
    ExposedUrls.Exposed dev = urls.forPrefix("/").orElseThrow();
    assertEquals(URI.create("wss://sandbox.example.test/s/demo/ws/"), dev.path().ws());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    host.describe(new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("wss://sandbox.example.test/s/demo/ws/api"), printed);
    assertTrue(printed.contains("wss://s-demo.sandbox.example.test/api"), printed);
    assertTrue(printed.contains(host.localUrl("/plugin-ws/web-terminal").toString()), printed);
  }
}
