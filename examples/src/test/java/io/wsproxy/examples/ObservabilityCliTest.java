package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.wsproxy.gateway.GatewayProtocol;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CLI proxy with {@code --admin-listen}: real traffic through it (relayed, refused by origin and
 * by auth, upstream down, closed with two codes), then its {@code /metrics} scraped over a socket
 * and parsed, and its access-log lines read.
 */
class ObservabilityCliTest {

  private static final String TOKEN = "observability-token-0123456789";
  private static final String ORIGIN = "https://app.example";
  /** A credential in the query that the proxy does not read (it passes upstream) but never logs. */
  private static final String QUERY_SECRET = "query-secret-42";
  private static final Pattern ADMIN = Pattern.compile("admin: http://[^\\s]+:(\\d+)/metrics");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension
  final Closer open = new Closer();
  private final BlockingQueue<String> accessLines = new LinkedBlockingQueue<>();


  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort(); // closed again: nothing listens there
    }
  }

  /** The next access-log line starting with {@code event}, skipping none. */
  private String nextLine(String event) throws InterruptedException {
    String line = accessLines.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(line, "no access-log line '" + event + "' within " + WsClient.TIMEOUT);
    assertTrue(line.startsWith(event + " "), "expected '" + event + "', got: " + line);
    return line;
  }

  private static String scrape(int port, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).timeout(WsClient.TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  @Test
  void metricsScrapedFromTheCliCountEachKindOfTrafficAndTheAccessLogHasALineForEach()
      throws Exception {
    open.keep(AccessLog.tap(accessLines::add));
    int echo = open.keep(Cli.start(new EchoCommand(), "--listen", "127.0.0.1:0")).port();
    Cli.Started proxy = open.keep(Cli.start(new ProxyCommand(), "--listen", "127.0.0.1:0",
        "--route", "/echo=ws://127.0.0.1:" + echo, "--route", "/down=ws://127.0.0.1:" + deadPort(),
        "--allow-origin", ORIGIN, "--bearer-token", TOKEN, "--admin-listen", "127.0.0.1:0"));
    Matcher admin = ADMIN.matcher(proxy.out());
    assertTrue(admin.find(), "no admin line in: " + proxy.out());
    int adminPort = Integer.parseInt(admin.group(1));
    assertEquals("ok\n", scrape(adminPort, "/healthz"));

    Map<String, String> good = Map.of("Origin", ORIGIN, "Authorization", "Bearer " + TOKEN);
    URI echoUrl = URI.create("ws://127.0.0.1:" + proxy.port() + "/echo?room=1&token=" + QUERY_SECRET);
    WsClient a = WsClient.connect(echoUrl, good);
    a.send("hello");
    assertEquals("hello", a.next());
    a.send("again");
    assertEquals("again", a.next());
    assertEquals(1000, a.close(1000, "bye").code());
    String first = nextLine("connection");
    WsClient b = WsClient.connect(echoUrl, good);
    assertEquals(4000, b.close(4000, "app done").code());
    String second = nextLine("connection");

    assertEquals(403, WsClient.refusedStatus(echoUrl, Map.of("Origin", "https://evil.example",
        "Authorization", "Bearer " + TOKEN)));
    String byOrigin = nextLine("refused");
    assertEquals(401, WsClient.refusedStatus(echoUrl, Map.of("Origin", ORIGIN)));
    String byAuth = nextLine("refused");
    URI down = URI.create("ws://127.0.0.1:" + proxy.port() + "/down");
    assertEquals(502, WsClient.refusedStatus(down, good));
    String failed = nextLine("upstream_failed");
    String failedEnd = nextLine("connection");

    PrometheusText m = PrometheusText.parse(scrape(adminPort, "/metrics"));
    assertEquals(0, m.value("wsproxy_connections_active"));
    assertEquals(2, m.value("wsproxy_connections_total", "outcome", "served"));
    assertEquals(1, m.value("wsproxy_connections_total", "outcome", "upstream_failed"));
    assertEquals(0, m.value("wsproxy_connections_total", "outcome", "abandoned"));
    assertEquals(1, m.value("wsproxy_handshake_refused_total", "reason", "forbidden",
        "status", "403", "endpoint", "proxy"));
    assertEquals(1, m.value("wsproxy_handshake_refused_total", "reason", "unauthorized",
        "status", "401"));
    assertEquals(2, m.value("wsproxy_messages_total", "direction", "to_upstream"));
    assertEquals(2, m.value("wsproxy_messages_total", "direction", "to_client"));
    // text counts its UTF-8 length, or an upper bound (3 per char) where a transport holds strings
    double up = m.value("wsproxy_bytes_total", "direction", "to_upstream");
    assertTrue(up >= 10 && up <= 30, "bytes to upstream: " + up);
    assertEquals(up, m.value("wsproxy_bytes_total", "direction", "to_client"));
    assertEquals(1, m.value("wsproxy_closes_total", "side", "client", "code", "1000"));
    assertEquals(1, m.value("wsproxy_closes_total", "side", "client", "code", "4xxx"));
    assertEquals(1, m.value("wsproxy_closes_total", "side", "upstream", "code", "1000"));
    assertEquals(1, m.value("wsproxy_closes_total", "side", "upstream", "code", "4xxx"));
    assertEquals(2, m.value("wsproxy_upstream_connect_seconds_count", "outcome", "success"));
    assertEquals(1, m.value("wsproxy_upstream_connect_seconds_count", "outcome", "unreachable"));
    assertEquals(2, m.value("wsproxy_connection_duration_seconds_count"));
    assertTrue(m.value("jvm_threads_live_threads") > 0, "JVM metrics are bound too");

    assertTrue(first.contains(" client=127.0.0.1 ") && first.contains(" path=/echo ")
        && first.contains(" opened=true ") && first.contains(" msgs_to_upstream=2 ")
        && first.contains(" bytes_to_upstream=" + (long) up + " ")
        && first.contains(" msgs_to_client=2 ")
        && first.contains(" client_code=1000 client_reason=bye ")
        && first.contains(" upstream_code=1000 "), first);
    assertTrue(second.contains(" client_code=4000 client_reason=\"app done\" ")
        && second.contains(" upstream_code=4000 "), second);
    assertTrue(byOrigin.contains(" status=403 ") && byOrigin.contains("reason=\"Origin not allowed\"")
        && byOrigin.contains(" path=\"/echo?room=1&token=REDACTED\""), byOrigin);
    assertTrue(byAuth.contains(" status=401 ") && !byAuth.contains(TOKEN), byAuth);
    assertTrue(failed.contains(" path=/down ") && failed.contains(" cause="), failed);
    assertTrue(failedEnd.contains(" opened=false ") && failedEnd.contains(" path=/down "),
        failedEnd);
    for (String line : List.of(first, second, byOrigin, byAuth, failed, failedEnd)) {
      assertTrue(!line.contains(TOKEN) && !line.contains(QUERY_SECRET), "token logged: " + line);
    }
    assertTrue(accessLines.isEmpty(), "unexpected lines: " + accessLines);
  }

  @Test
  void accessLogOffWritesNothingAndJsonWritesObjects() throws Exception {
    open.keep(AccessLog.tap(accessLines::add));
    int echo = open.keep(Cli.start(new EchoCommand(), "--listen", "127.0.0.1:0")).port();
    Cli.Started off = open.keep(Cli.start(new ProxyCommand(), "--listen", "127.0.0.1:0",
        "--route", "/echo=ws://127.0.0.1:" + echo, "--access-log", "off"));
    assertEquals(404, WsClient.refusedStatus(URI.create("ws://127.0.0.1:" + off.port() + "/x"),
        Map.of()));
    Cli.Started json = open.keep(Cli.start(new ProxyCommand(), "--listen", "127.0.0.1:0",
        "--route", "/echo=ws://127.0.0.1:" + echo, "--access-log", "json"));
    assertEquals(404, WsClient.refusedStatus(URI.create("ws://127.0.0.1:" + json.port() + "/x"),
        Map.of()));
    String line = accessLines.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(line);
    assertTrue(line.startsWith("{\"event\":\"refused\"") && line.contains("\"status\":404"), line);
    assertTrue(accessLines.isEmpty(), "the 'off' proxy logged: " + accessLines);
  }

  @Test
  void theGatewayServesItsClientAndSessionGaugesAndLogsEachClientThatLeaves() throws Exception {
    open.keep(AccessLog.tap(accessLines::add));
    Cli.Started gateway = open.keep(Cli.start(new GatewayCommand(), "--listen", "127.0.0.1:0",
        "--allow-origin", ORIGIN, "--admin-listen", "127.0.0.1:0"));
    Matcher admin = ADMIN.matcher(gateway.out());
    assertTrue(admin.find(), "no admin line in: " + gateway.out());
    int adminPort = Integer.parseInt(admin.group(1));
    URI url = URI.create("ws://127.0.0.1:" + gateway.port() + "/");

    assertEquals(403, WsClient.refusedStatus(url, Map.of("Origin", "https://evil.example")));
    nextLine("refused");
    WsClient client = WsClient.connect(url, Map.of("Origin", ORIGIN));
    client.send(GatewayCommand.firstMessages(GatewayProtocol.ENVELOPE, false).get(0));
    JsonObject joined = client.nextJson();
    for (int i = 0; i < 5 && !(joined.has("id") && "1".equals(joined.get("id").getAsString())); i++) {
      joined = client.nextJson(); // events (welcome, presence) may come before the reply
    }
    assertTrue("1".equals(joined.get("id").getAsString()) && !joined.has("error"),
        joined.toString());
    PrometheusText during = PrometheusText.parse(scrape(adminPort, "/metrics"));
    assertEquals(1, during.value("wsproxy_gateway_clients"));
    assertEquals(1, during.value("wsproxy_gateway_sessions"));
    assertEquals(1, during.value("wsproxy_handshake_refused_total", "endpoint", "gateway",
        "reason", "forbidden"));

    assertEquals(1000, client.close(1000, "bye").code());
    String left = nextLine("gateway_client");
    assertTrue(left.contains(" code=1000 ") && left.contains(" authenticated="), left);
    PrometheusText after = PrometheusText.parse(scrape(adminPort, "/metrics"));
    assertEquals(0, after.value("wsproxy_gateway_clients"));
    assertEquals(0, after.value("wsproxy_gateway_sessions"));
    assertEquals(1, after.value("wsproxy_gateway_disconnects_total", "code", "1000"));
  }
}
