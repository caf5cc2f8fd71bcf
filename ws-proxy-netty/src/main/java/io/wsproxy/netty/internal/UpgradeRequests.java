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
import java.util.Map;

/**
 * An upgrade request (as Netty or the ready server's {@link RequestHeadDecoder} read it): checked
 * (its decoding, the header limits, then the core's shared {@link UpgradeCheck}) before the
 * endpoint sees it, and turned into a {@link HandshakeRequest}.
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
    return UpgradeCheck.hasToken(req.headers().getAll(HttpHeaderNames.UPGRADE), "websocket");
  }

  /** The path of a request target: what comes before {@code ?}, or {@code /} for none. */
  public static String path(String uri) {
    int q = uri.indexOf('?');
    String p = q < 0 ? uri : uri.substring(0, q);
    return p.isEmpty() ? "/" : p;
  }

  /**
   * {@code req} as a {@link RequestHead}: failed (431 for Netty's "too long", else 400) when Netty
   * could not decode it or the core's {@link Headers} refuse a field.
   */
  public static RequestHead head(HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      return RequestHead.failed(
          req.decoderResult().cause() instanceof TooLongFrameException ? 431 : 400);
    }
    Headers headers;
    try {
      headers = headers(req);
    } catch (IllegalArgumentException e) {
      return RequestHead.failed(400);
    }
    return new RequestHead(req.method().name(), req.uri(), req.protocolVersion().text(), headers,
        req.headers().size(), headerBytes(req.headers()), 0);
  }

  /**
   * What is wrong with {@code req} as a WebSocket upgrade, or {@code null} when nothing is: its
   * decoding, the target and the header limits here, the RFC checks in the core's
   * {@link UpgradeCheck} (shared by every server transport).
   */
  public static UpgradeCheck.Refusal check(RequestHead req, Limits limits) {
    if (req.failure() != 0) {
      return refuse(req.failure(), req.failureReason());
    }
    if (!req.target().startsWith("/")) {
      return refuse(400, "Bad request target");
    }
    if (req.fields() > limits.maxHandshakeHeaders()
        || req.fieldBytes() > limits.maxHandshakeHeaderBytes()) {
      return refuse(431, "Request header fields too large");
    }
    return UpgradeCheck.check(req.method(), req.version(), req.headers());
  }

  private static UpgradeCheck.Refusal refuse(int status, String reason) {
    return new UpgradeCheck.Refusal(status, reason, Headers.EMPTY);
  }

  /** The request's header fields as the core's {@link Headers}; refuses names or values it refuses. */
  static Headers headers(HttpRequest req) {
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
  public static HandshakeRequest toHandshakeRequest(RequestHead req, Channel ch) {
    return HandshakeRequest.builder()
        .target(req.target())
        .headers(req.headers())
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
}
