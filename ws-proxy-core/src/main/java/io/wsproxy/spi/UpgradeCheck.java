package io.wsproxy.spi;

import io.wsproxy.Headers;
import java.util.List;
import java.util.Objects;

/**
 * The strict RFC 6455 section 4.2.1 / RFC 9112 checks of an upgrade request, shared by every server
 * transport so that each refuses the same requests with the same status, before the endpoint (and
 * so any upstream) sees them. Stateless.
 *
 * <ul>
 *   <li>not {@code HTTP/1.1} → 400 (an {@code HTTP/1.0} upgrade is not a WebSocket handshake);</li>
 *   <li>a method other than {@code GET} → 405 with {@code Allow: GET};</li>
 *   <li>no {@code Host}, or more than one → 400;</li>
 *   <li>{@code Upgrade} without the {@code websocket} token (e.g. {@code h2c}), or {@code Connection}
 *       without {@code upgrade} → 426 with {@code Upgrade: websocket} (a plain request to a
 *       WebSocket path is told what it must do);</li>
 *   <li>{@code Sec-WebSocket-Version} other than 13 → 426 with {@code Sec-WebSocket-Version: 13};</li>
 *   <li>{@code Sec-WebSocket-Key} missing, repeated, or not the base64 of 16 bytes → 400;</li>
 *   <li>a body ({@code Content-Length} other than 0, or any {@code Transfer-Encoding}) → 400.</li>
 * </ul>
 */
public final class UpgradeCheck {

  /**
   * A refused upgrade request: the status, a one-line reason for the text/plain body, and the
   * headers the response must carry ({@code Sec-WebSocket-Version: 13}, {@code Allow: GET}...).
   */
  public record Refusal(int status, String reason, Headers headers) {
    public Refusal {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(headers, "headers");
    }
  }

  /** The only version ws-proxy speaks. */
  public static final String VERSION = "13";

  private UpgradeCheck() {}

  /**
   * Checks one upgrade request.
   *
   * @param method      the request method as sent
   * @param httpVersion the protocol version as sent, e.g. {@code HTTP/1.1}
   * @param headers     every header field of the request, repeated ones kept apart
   * @return {@code null} when the request is a valid WebSocket upgrade, else the refusal
   */
  public static Refusal check(String method, String httpVersion, Headers headers) {
    Objects.requireNonNull(headers, "headers");
    if (!"HTTP/1.1".equals(httpVersion)) {
      return refuse(400, "WebSocket upgrades need HTTP/1.1");
    }
    if (!"GET".equals(method)) {
      return new Refusal(405, "WebSocket upgrades use GET", Headers.of("Allow", "GET"));
    }
    List<String> hosts = headers.all("Host");
    if (hosts.size() != 1 || hosts.get(0).isBlank()) {
      return refuse(400, hosts.isEmpty() ? "Missing Host header" : "Exactly one Host header");
    }
    if (!hasToken(headers.all("Upgrade"), "websocket")) {
      return new Refusal(426, "Upgrade: websocket required", Headers.of("Upgrade", "websocket",
          "Connection", "Upgrade"));
    }
    if (!hasToken(headers.all("Connection"), "upgrade")) {
      return new Refusal(426, "Connection: upgrade required", Headers.of("Upgrade", "websocket",
          "Connection", "Upgrade"));
    }
    List<String> versions = headers.all("Sec-WebSocket-Version");
    if (versions.size() != 1 || !VERSION.equals(versions.get(0).strip())) {
      return new Refusal(426, "Unsupported WebSocket version",
          Headers.of("Sec-WebSocket-Version", VERSION));
    }
    List<String> keys = headers.all("Sec-WebSocket-Key");
    if (keys.size() != 1 || !isValidKey(keys.get(0).strip())) {
      return refuse(400, "Invalid Sec-WebSocket-Key");
    }
    List<String> lengths = headers.all("Content-Length");
    if (!headers.all("Transfer-Encoding").isEmpty()
        || lengths.size() > 1 || (lengths.size() == 1 && !"0".equals(lengths.get(0).strip()))) {
      return refuse(400, "An upgrade request has no body");
    }
    return null;
  }

  /**
   * Whether {@code key} is the base64 encoding of 16 bytes (RFC 6455 section 4.1, item 7): 22
   * characters of the base64 alphabet and {@code ==}, which is what the JDK's decoder takes as 16
   * bytes; checked by a scan rather than by decoding, as every handshake does it.
   */
  public static boolean isValidKey(String key) {
    if (key.length() != 24 || key.charAt(22) != '=' || key.charAt(23) != '=') {
      return false;
    }
    for (int i = 0; i < 22; i++) {
      char c = key.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
          || c == '/')) {
        return false;
      }
    }
    return true;
  }

  private static Refusal refuse(int status, String reason) {
    return new Refusal(status, reason, Headers.EMPTY);
  }

  /**
   * Whether one of the comma-separated tokens in {@code values} (each stripped of white space) is
   * {@code token}, ignoring ASCII case: {@code hasToken(["keep-alive, Upgrade"], "upgrade")}.
   * Found by a scan, without splitting or lower-casing. Tokens are ASCII (RFC 9110 section 5.6.2):
   * no other character matches one.
   *
   * @param token the token to find, lower-case
   */
  public static boolean hasToken(List<String> values, String token) {
    for (int i = 0; i < values.size(); i++) {
      if (hasToken(values.get(i), token)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasToken(String value, String token) {
    int n = value.length();
    for (int start = 0; start <= n; ) {
      int end = value.indexOf(',', start);
      if (end < 0) {
        end = n;
      }
      int a = start;
      int b = end;
      while (a < b && Character.isWhitespace(value.charAt(a))) {
        a++;
      }
      while (b > a && Character.isWhitespace(value.charAt(b - 1))) {
        b--;
      }
      if (b - a == token.length() && sameAscii(value, a, token)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  private static boolean sameAscii(String value, int from, String lowerToken) {
    for (int i = 0; i < lowerToken.length(); i++) {
      char c = value.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerToken.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
