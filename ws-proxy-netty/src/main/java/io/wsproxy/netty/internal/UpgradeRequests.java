package io.wsproxy.netty.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The strict RFC 6455 section 4.2.1 / RFC 9112 checks of an upgrade request, made before the
 * endpoint sees it, and the conversion to a {@link HandshakeRequest}.
 *
 * <p><b>Threading.</b> Stateless; thread-safe.
 */
public final class UpgradeRequests {

  /** The only WebSocket version there is (RFC 6455). */
  public static final String VERSION = "13";
  /** Length of a decoded {@code Sec-WebSocket-Key}. */
  static final int KEY_BYTES = 16;

  /**
   * Why a request is refused before the endpoint sees it.
   *
   * @param status  the HTTP status
   * @param reason  the one-line body
   * @param headers extra response headers, or {@code null}
   */
  public record Refusal(int status, String reason, HttpHeaders headers) {
    static Refusal of(int status, String reason) {
      return new Refusal(status, reason, null);
    }
  }

  private UpgradeRequests() {}

  /** Whether {@code req} asks to upgrade to WebSocket (an {@code Upgrade} token {@code websocket}). */
  public static boolean isWebSocketUpgrade(HttpRequest req) {
    return hasToken(req.headers().getAll(HttpHeaderNames.UPGRADE), "websocket");
  }

  /** The path of a request target: what comes before {@code ?}, or {@code /} for none. */
  public static String path(String uri) {
    int q = uri.indexOf('?');
    String p = q < 0 ? uri : uri.substring(0, q);
    return p.isEmpty() ? "/" : p;
  }

  /** What is wrong with {@code req} as a WebSocket upgrade, or {@code null} when nothing is. */
  public static Refusal check(HttpRequest req, Limits limits) {
    if (req.decoderResult().isFailure()) {
      return req.decoderResult().cause() instanceof TooLongFrameException
          ? Refusal.of(431, "Request header fields too large") : Refusal.of(400, "Bad request");
    }
    if (!HttpVersion.HTTP_1_1.equals(req.protocolVersion())) {
      return Refusal.of(400, "WebSocket upgrades need HTTP/1.1");
    }
    if (!HttpMethod.GET.equals(req.method())) {
      return new Refusal(405, "WebSocket upgrades use GET",
          new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW, "GET"));
    }
    if (!req.uri().startsWith("/")) {
      return Refusal.of(400, "Bad request target");
    }
    HttpHeaders h = req.headers();
    if (h.size() > limits.maxHandshakeHeaders() || headerBytes(h) > limits.maxHandshakeHeaderBytes()) {
      return Refusal.of(431, "Request header fields too large");
    }
    if (h.getAll(HttpHeaderNames.HOST).size() != 1) {
      return Refusal.of(400, "Exactly one Host header is required");
    }
    if (!hasToken(h.getAll(HttpHeaderNames.CONNECTION), "upgrade")) {
      return Refusal.of(400, "Connection: upgrade is required");
    }
    List<String> upgrade = h.getAll(HttpHeaderNames.UPGRADE);
    if (upgrade.size() != 1 || !"websocket".equalsIgnoreCase(upgrade.get(0).trim())) {
      return Refusal.of(400, "Upgrade: websocket is required");
    }
    List<String> version = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    if (version.size() != 1 || !VERSION.equals(version.get(0).trim())) {
      return new Refusal(version.isEmpty() ? 400 : 426, "Sec-WebSocket-Version 13 is required",
          new DefaultHttpHeaders().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION));
    }
    List<String> key = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    if (key.size() != 1 || !validKey(key.get(0).trim())) {
      return Refusal.of(400, "Sec-WebSocket-Key must be 16 bytes in base64");
    }
    if (HttpUtil.getContentLength(req, 0L) != 0 || h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return Refusal.of(400, "An upgrade request has no body");
    }
    return null;
  }

  /** The endpoint's view of a request {@link #check} passed. */
  public static HandshakeRequest toHandshakeRequest(HttpRequest req, Channel ch) {
    Headers.Builder headers = Headers.builder();
    for (Map.Entry<String, String> e : req.headers()) {
      headers.add(e.getKey(), e.getValue());
    }
    return HandshakeRequest.builder()
        .target(req.uri())
        .headers(headers.build())
        .remoteAddress(inet(ch.remoteAddress()))
        .secure(ch.pipeline().get(SslHandler.class) != null)
        .build();
  }

  private static InetSocketAddress inet(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i : new InetSocketAddress("0.0.0.0", 0);
  }

  private static boolean validKey(String key) {
    try {
      return Base64.getDecoder().decode(key).length == KEY_BYTES;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static long headerBytes(HttpHeaders h) {
    long n = 0;
    for (Map.Entry<String, String> e : h) {
      n += e.getKey().length() + e.getValue().length();
    }
    return n;
  }

  /** Whether any of the comma-separated {@code values} is {@code token}, ignoring case. */
  static boolean hasToken(List<String> values, String token) {
    for (String v : values) {
      for (String t : v.split(",")) {
        if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
          return true;
        }
      }
    }
    return false;
  }
}
