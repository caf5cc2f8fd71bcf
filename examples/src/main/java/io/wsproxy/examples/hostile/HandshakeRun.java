package io.wsproxy.examples.hostile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run (c): every hostile handshake of issue 11, sent raw to the proxy; prints the answer's status
 * line and how many upgrades reached the upstream (none may), then one valid upgrade as a control.
 */
final class HandshakeRun {

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private HandshakeRun() {}

  /** The hostile requests by name, for a proxy on {@code port}. */
  static Map<String, String> requests(int port) {
    String host = "Host: 127.0.0.1:" + port + "\r\n";
    String ws = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    String key = "Sec-WebSocket-Key: " + RawWs.KEY + "\r\n";
    String v13 = "Sec-WebSocket-Version: 13\r\n";
    Map<String, String> r = new LinkedHashMap<>();
    r.put("two Host headers", "GET / HTTP/1.1\r\n" + host + "Host: evil.example\r\n" + ws + key
        + v13 + "\r\n");
    r.put("no Host", "GET / HTTP/1.1\r\n" + ws + key + v13 + "\r\n");
    r.put("Connection: keep-alive", "GET / HTTP/1.1\r\n" + host
        + "Upgrade: websocket\r\nConnection: keep-alive\r\n" + key + v13 + "\r\n");
    r.put("Upgrade: h2c", "GET / HTTP/1.1\r\n" + host + "Upgrade: h2c\r\nConnection: Upgrade\r\n"
        + key + v13 + "\r\n");
    r.put("8-byte key", "GET / HTTP/1.1\r\n" + host + ws + "Sec-WebSocket-Key: AAAAAAAAAAA=\r\n"
        + v13 + "\r\n");
    r.put("version 12", "GET / HTTP/1.1\r\n" + host + ws + key
        + "Sec-WebSocket-Version: 12\r\n\r\n");
    r.put("HTTP/1.0", "GET / HTTP/1.0\r\n" + host + ws + key + v13 + "\r\n");
    r.put("POST", "POST / HTTP/1.1\r\n" + host + ws + key + v13 + "\r\n");
    r.put("a body (Content-Length)", "GET / HTTP/1.1\r\n" + host + ws + key + v13
        + "Content-Length: 6\r\n\r\n\u0081\u0080abcd");
    r.put("a body (chunked)", "GET / HTTP/1.1\r\n" + host + ws + key + v13
        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    r.put("plain GET", "GET / HTTP/1.1\r\n" + host + "\r\n");
    return r;
  }

  static void run(ProxyUnderTest proxy, CountingUpstream upstream, PrintStream out)
      throws IOException {
    out.println("handshakes: each hostile upgrade, its answer, and upgrades that reached upstream");
    for (Map.Entry<String, String> e : requests(proxy.port()).entrySet()) {
      long before = upstream.upgrades();
      String answer;
      try (RawWs ws = RawWs.connect(proxy.port(), TIMEOUT)) {
        ws.write(e.getValue().getBytes(StandardCharsets.ISO_8859_1));
        String head = ws.readHead();
        answer = head.isEmpty() ? "(connection closed, no answer)"
            : head.lines().findFirst().orElse(head);
      } catch (IOException x) {
        answer = "(" + x + ")";
      }
      out.printf("  %-24s -> %-45s upstream upgrades: %d%n", e.getKey(), answer,
          upstream.upgrades() - before);
    }
    long before = upstream.upgrades();
    Probe control = Probe.once(proxy.port(), TIMEOUT); // the first upgrade: a cold proxy
    out.printf("  %-24s -> %-45s upstream upgrades: %d%n", "valid upgrade (control)", control,
        upstream.upgrades() - before);
  }
}
