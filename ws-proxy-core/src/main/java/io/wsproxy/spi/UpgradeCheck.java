package io.wsproxy.spi;

import io.wsproxy.Headers;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
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

  /** Whether {@code key} is the base64 encoding of 16 bytes (RFC 6455 section 4.1, item 7). */
  public static boolean isValidKey(String key) {
    if (key.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Refusal refuse(int status, String reason) {
    return new Refusal(status, reason, Headers.EMPTY);
  }

  /** Whether one of the comma-separated tokens in {@code values} is {@code token}, in any case. */
  private static boolean hasToken(List<String> values, String token) {
    for (String v : values) {
      for (String t : v.split(",")) {
        if (t.strip().toLowerCase(Locale.ROOT).equals(token)) {
          return true;
        }
      }
    }
    return false;
  }
}
