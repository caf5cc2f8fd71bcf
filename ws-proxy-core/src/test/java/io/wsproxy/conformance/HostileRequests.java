package io.wsproxy.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * Upgrade requests that RFC 6455 section 4.2.1 and RFC 9112 forbid, each with the status the proxy
 * must answer (docs/SECURITY.md, "What the client sees") before any upstream is dialled.
 */
final class HostileRequests {

  /**
   * One malformed request.
   *
   * @param name        what is wrong with it
   * @param request     the bytes sent, head and any body
   * @param status      the status the proxy must answer
   * @param mustContain text the response head must contain (a header the status requires), or ""
   */
  record Case(String name, String request, int status, String mustContain) {}

  static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
  /** Base64 of 15 bytes: a key must decode to exactly 16. */
  static final String SHORT_KEY = "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA";

  private HostileRequests() {}

  /** A valid upgrade request for {@code path} at {@code 127.0.0.1:port}. */
  static String valid(String path, int port) {
    return head("GET " + path + " HTTP/1.1", standard(port), "");
  }

  static List<Case> all(int port) {
    String host = "Host: 127.0.0.1:" + port;
    List<Case> c = new ArrayList<>();
    c.add(new Case("two Host headers",
        head("GET / HTTP/1.1", with(standard(port), "Host: evil.example"), ""), 400, ""));
    c.add(new Case("no Host", head("GET / HTTP/1.1", without(standard(port), host), ""), 400, ""));
    c.add(new Case("Connection: keep-alive without upgrade", head("GET / HTTP/1.1",
        replace(standard(port), "Connection: Upgrade", "Connection: keep-alive"), ""), 426, ""));
    c.add(new Case("Upgrade: h2c", head("GET / HTTP/1.1",
        replace(standard(port), "Upgrade: websocket", "Upgrade: h2c"), ""), 426, ""));
    c.add(new Case("a key of 15 bytes",
        head("GET / HTTP/1.1", replace(standard(port), KEY, SHORT_KEY), ""), 400, ""));
    c.add(new Case("no key", head("GET / HTTP/1.1", without(standard(port), KEY), ""), 400, ""));
    c.add(new Case("version 12", head("GET / HTTP/1.1", replace(standard(port),
        "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 12"), ""), 426,
        "Sec-WebSocket-Version: 13"));
    c.add(new Case("HTTP/1.0", head("GET / HTTP/1.0", standard(port), ""), 400, ""));
    c.add(new Case("POST", head("POST / HTTP/1.1", standard(port), ""), 405, "Allow: GET"));
    c.add(new Case("a body (Content-Length)", head("GET / HTTP/1.1",
        with(standard(port), "Content-Length: 5"), "hello"), 400, ""));
    c.add(new Case("a chunked body", head("GET / HTTP/1.1",
        with(standard(port), "Transfer-Encoding: chunked"), "5\r\nhello\r\n0\r\n\r\n"), 400, ""));
    // RFC 9112: strict heads (a lenient reader here is how requests get smuggled past a proxy)
    c.add(new Case("two spaces in the request line", head("GET  / HTTP/1.1", standard(port), ""),
        400, ""));
    c.add(new Case("a request line of two parts", head("GET /", standard(port), ""), 400, ""));
    c.add(new Case("a malformed HTTP version", head("GET / HTTP/1.x", standard(port), ""), 400,
        ""));
    c.add(new Case("a folded header line (obs-fold)", head("GET / HTTP/1.1",
        with(with(standard(port), "X-Note: a"), " folded"), ""), 400, ""));
    c.add(new Case("a bare CR in a field value", head("GET / HTTP/1.1",
        with(standard(port), "X-Note: a\rb"), ""), 400, ""));
    c.add(new Case("whitespace before a header's colon", head("GET / HTTP/1.1",
        with(standard(port), "X-Note : a"), ""), 400, ""));
    return c;
  }

  private static List<String> standard(int port) {
    return List.of("Host: 127.0.0.1:" + port, "Upgrade: websocket", "Connection: Upgrade", KEY,
        "Sec-WebSocket-Version: 13");
  }

  private static String head(String requestLine, List<String> headers, String body) {
    StringBuilder b = new StringBuilder(requestLine).append("\r\n");
    headers.forEach(h -> b.append(h).append("\r\n"));
    return b.append("\r\n").append(body).toString();
  }

  private static List<String> with(List<String> headers, String extra) {
    List<String> out = new ArrayList<>(headers);
    out.add(extra);
    return out;
  }

  private static List<String> without(List<String> headers, String line) {
    List<String> out = new ArrayList<>(headers);
    out.remove(line);
    return out;
  }

  private static List<String> replace(List<String> headers, String line, String by) {
    List<String> out = new ArrayList<>(headers);
    out.set(out.indexOf(line), by);
    return out;
  }
}
