package io.wsproxy.netty.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.spi.UpgradeCheck;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An upgrade request as Netty decoded it: checked (Netty's decoding, the header limits, then the
 * core's shared {@link UpgradeCheck}) before the endpoint sees it, and turned into a
 * {@link HandshakeRequest}.
 *
 * <p><b>Threading.</b> Stateless; thread-safe.
 */
public final class UpgradeRequests {

  /** The only WebSocket version there is (RFC 6455). */
  public static final String VERSION = UpgradeCheck.VERSION;
  /** Length of a decoded {@code Sec-WebSocket-Key}. */
  static final int KEY_BYTES = 16;

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

  /**
   * What is wrong with {@code req} as a WebSocket upgrade, or {@code null} when nothing is: Netty's
   * decoding, the target and the header limits here, the RFC checks in the core's
   * {@link UpgradeCheck} (shared by every server transport).
   */
  public static UpgradeCheck.Refusal check(HttpRequest req, Headers headers, Limits limits) {
    if (req.decoderResult().isFailure()) {
      return req.decoderResult().cause() instanceof TooLongFrameException
          ? refuse(431, "Request header fields too large") : refuse(400, "Bad request");
    }
    if (!req.uri().startsWith("/")) {
      return refuse(400, "Bad request target");
    }
    HttpHeaders h = req.headers();
    if (h.size() > limits.maxHandshakeHeaders() || headerBytes(h) > limits.maxHandshakeHeaderBytes()) {
      return refuse(431, "Request header fields too large");
    }
    return UpgradeCheck.check(req.method().name(), req.protocolVersion().text(), headers);
  }

  private static UpgradeCheck.Refusal refuse(int status, String reason) {
    return new UpgradeCheck.Refusal(status, reason, Headers.EMPTY);
  }

  /** The request's header fields as the core's {@link Headers}; refuses names or values it refuses. */
  public static Headers headers(HttpRequest req) {
    Headers.Builder headers = Headers.builder();
    // the CharSequence iterator: the String one wraps every entry in a new one
    Iterator<Map.Entry<CharSequence, CharSequence>> it = req.headers().iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      headers.add(e.getKey().toString(), e.getValue().toString());
    }
    return headers.build();
  }

  /** The endpoint's view of a request {@link #check} passed. */
  public static HandshakeRequest toHandshakeRequest(HttpRequest req, Headers headers, Channel ch) {
    return HandshakeRequest.builder()
        .target(req.uri())
        .headers(headers)
        .remoteAddress(inet(ch.remoteAddress()))
        .secure(ch.pipeline().get(SslHandler.class) != null)
        .build();
  }

  private static InetSocketAddress inet(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i : new InetSocketAddress("0.0.0.0", 0);
  }

  private static long headerBytes(HttpHeaders h) {
    long n = 0;
    Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      n += e.getKey().length() + e.getValue().length();
    }
    return n;
  }

  /** Whether any of the comma-separated {@code values} is {@code token}, ignoring case. */
  static boolean hasToken(List<String> values, String token) {
    return UpgradeCheck.hasToken(values, token);
  }
}
