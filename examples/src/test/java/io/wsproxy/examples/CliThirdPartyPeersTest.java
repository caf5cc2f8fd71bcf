package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI proxy as the quick start runs it ({@code proxy --listen 127.0.0.1:0 --route
 * /=ws://...}, default flags otherwise) in front of a {@code ws}-package backend that prefers
 * subprotocol {@code b}, then {@code chat}, and answers every upgrade 400 ms late, with third-party
 * clients: the {@code ws} package's client (see {@link NodePeers}) and a page in headless Chromium
 * (see {@link HeadlessChromium}). Skipped, visibly, without Node.js or Chromium.
 */
class CliThirdPartyPeersTest {

  /** Messages a client sends right in its open handler. */
  static final int BURST = 5_000;
  /** Messages the Chromium page sends in its onopen handler. */
  static final int PAGE_BURST = 1_000;
  static final String SLOW_BACKEND_MS = "400";
  static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern RESULT = Pattern.compile("<div id=\"result\">([^<]*)</div>");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static NodePeers.Backend backend;
  private static Cli.Started proxy;

  @BeforeAll
  static void startBackendAndProxy() throws Exception {
    NodePeers.install();
    backend = NodePeers.startServer("--prefer", "b,chat", "--delay-ms", SLOW_BACKEND_MS);
    proxy = Cli.start(new ProxyCommand(), "--listen", "127.0.0.1:0", "--route",
        "/=" + backend.uri());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private static String proxyUrl() {
    return "ws://127.0.0.1:" + proxy.port() + "/";
  }

  @Test
  void carriesWsClientsOfferingSubprotocolsAndSendingABurstOnOpenWithDefaultFlags()
      throws Exception {
    List<String> results = NodePeers.runClient("ws-connect-first-client.js", proxyUrl(),
        String.valueOf(BURST));
    NodePeers.assertPassed(results, List.of("upstreamChoice", "noOffer", "burstOnOpen"));
    List<String> seen = NodePeers.drain(backend.lines(), 1, "\"protocol\":\"b\"");
    assertTrue(seen.stream().anyMatch(s -> s.matches(".*\"offered\":\"a, ?b, ?c\".*")),
        () -> "the backend did not get the client's whole offer: " + seen);
  }

  @Test
  void subprotocolFlagIsAnAllowlistOfWhatGoesUpstream() throws Exception {
    try (Cli.Started allowlisted = Cli.start(new ProxyCommand(), "--listen", "127.0.0.1:0",
        "--route", "/=" + backend.uri(), "--subprotocol", "chat")) {
      WebSocket ws = HTTP.newWebSocketBuilder().subprotocols("b", "chat")
          .buildAsync(URI.create("ws://127.0.0.1:" + allowlisted.port() + "/"),
              new WebSocket.Listener() {})
          .get(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      try {
        // the backend prefers b, but only the allowed chat was offered to it
        assertEquals("chat", ws.getSubprotocol());
      } finally {
        ws.abort();
      }
    }
  }

  @Test
  void headlessChromiumPageTalksThroughTheProxyWithASubprotocol() throws Exception {
    assumeTrue(HeadlessChromium.available(),
        "headless Chromium is needed: apt-get install chromium (.ci/run installs it)");
    String page;
    try (InputStream in = getClass().getResourceAsStream("/thirdparty/chromium-page.html")) {
      page = new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("PROXY_URL", proxyUrl()).replace("BURST", String.valueOf(PAGE_BURST));
    }
    HeadlessChromium.Outcome outcome = HeadlessChromium.load(page, PAGE_TIMEOUT);
    Matcher m = RESULT.matcher(outcome.dom());
    assertTrue(m.find(), () -> "no #result in the DOM: " + outcome.dom());
    String result = m.group(1);
    assertTrue(result.contains("\"ok\":true") && result.contains("\"protocol\":\"chat\"")
        && result.contains("\"echoed\":" + PAGE_BURST), () -> "the page reported " + result);
  }
}
