package io.wsproxy.netty.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.wsproxy.Headers;
import io.wsproxy.spi.UpgradeCheck;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client half of the opening handshake with an upstream (RFC 6455 section 4.1): the request
 * as bytes, and the checks a 101 must pass (accept key, {@code Upgrade}/{@code Connection}, a
 * subprotocol that was offered, no extension: none is ever offered).
 *
 * <p><b>Threading.</b> One per dial, on its event loop.
 */
final class UpstreamHandshake {

  /** Headers of the request that are ours to set; a caller's values for them are not sent. */
  private static final String[] OURS = {"host", "upgrade", "connection",
      "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol",
      "sec-websocket-extensions", "sec-websocket-accept", "content-length", "transfer-encoding",
      "keep-alive", "te", "trailer", "proxy-connection"};

  /** Room for a usual upgrade request without regrowing. */
  private static final int REQUEST_BYTES = 512;
  private static final int CRLF = ('\r' << 8) | '\n';
  private static final int COLON_SPACE = (':' << 8) | ' ';

  private final UpstreamRequest request;
  private final String key;

  UpstreamHandshake(UpstreamRequest request) {
    this.request = request;
    // RFC 6455 section 4.1 asks for a nonce "selected randomly for each connection"; it only lets
    // the client see that the server understood WebSocket, and unlike masking keys (section 10.3)
    // it need not be unpredictable, so no SecureRandom (Netty's own client handshaker does the same)
    byte[] nonce = new byte[UpgradeRequests.KEY_BYTES];
    ThreadLocalRandom.current().nextBytes(nonce);
    this.key = Base64.getEncoder().encodeToString(nonce);
  }

  /** The port of a {@code ws}/{@code wss} URI, defaulting to 80/443. */
  static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** The request target: the raw path (or {@code /}) and the raw query. */
  String target() {
    URI uri = request.uri();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  /**
   * The upgrade request as bytes: the request line, the caller's headers, then ours, byte for byte
   * what Netty's HTTP encoder writes for a {@code DefaultFullHttpRequest} with these headers (names
   * as given, {@code name: value}, US-ASCII), without the request object, its header map and the
   * encoder. Header values are checked as Netty's header map checks them.
   *
   * @throws IllegalArgumentException for a header name or value Netty would refuse
   */
  ByteBuf request(ByteBufAllocator alloc) {
    ByteBuf b = alloc.buffer(REQUEST_BYTES);
    try {
      b.writeCharSequence("GET ", US_ASCII);
      b.writeCharSequence(target(), US_ASCII);
      b.writeCharSequence(" HTTP/1.1\r\n", US_ASCII);
      request.headers().forEach((name, value) -> {
        if (!isOurs(name)) {
          header(b, name, value);
        }
      });
      URI uri = request.uri();
      int port = port(uri);
      boolean defaultPort = port == ("wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
      String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[")
          ? "[" + uri.getHost() + "]" : uri.getHost();
      header(b, HttpHeaderNames.HOST, defaultPort ? host : host + ":" + port);
      header(b, HttpHeaderNames.UPGRADE, "websocket");
      header(b, HttpHeaderNames.CONNECTION, "Upgrade");
      header(b, HttpHeaderNames.SEC_WEBSOCKET_KEY, key);
      header(b, HttpHeaderNames.SEC_WEBSOCKET_VERSION, UpgradeRequests.VERSION);
      List<String> offer = request.subprotocols();
      if (!offer.isEmpty()) {
        header(b, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, String.join(", ", offer));
      }
      b.writeShort(CRLF);
      return b;
    } catch (RuntimeException e) {
      b.release();
      throw e;
    }
  }

  private static void header(ByteBuf b, CharSequence name, CharSequence value) {
    if (HttpHeaderValidationUtil.validateToken(name) >= 0) {
      throw new IllegalArgumentException("a header name Netty refuses: " + name);
    }
    if (HttpHeaderValidationUtil.validateValidHeaderValue(value) >= 0) {
      throw new IllegalArgumentException("a value of header " + name + " that Netty refuses");
    }
    b.writeCharSequence(name, US_ASCII);
    b.writeShort(COLON_SPACE);
    b.writeCharSequence(value, US_ASCII);
    b.writeShort(CRLF);
  }

  /** Whether {@code name} is one of {@link #OURS}, in any case (a scan: no lower-cased copy). */
  private static boolean isOurs(String name) {
    for (String ours : OURS) {
      if (ours.length() == name.length() && ours.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Why the head {@code res} does not open the WebSocket, or {@code null} when it does. */
  UpstreamConnectException check(HeadParser.Head res) {
    int status = Integer.parseInt(res.second()); // three digits: the parser checked
    if (status != 101) {
      return status >= 100 && status <= 599
          ? UpstreamConnectException.refused(status, "upstream answered the upgrade with " + status)
          : UpstreamConnectException.invalidHandshake("upstream answered status " + status);
    }
    Headers h = res.headers();
    List<String> upgrade = h.all("Upgrade");
    if (upgrade.isEmpty() || !"websocket".equalsIgnoreCase(upgrade.get(0).trim())) {
      return UpstreamConnectException.invalidHandshake("101 without Upgrade: websocket");
    }
    if (!UpgradeCheck.hasToken(h.all("Connection"), "upgrade")) {
      return UpstreamConnectException.invalidHandshake("101 without Connection: upgrade");
    }
    List<String> accept = h.all("Sec-WebSocket-Accept");
    if (accept.size() != 1 || !AcceptKey.matches(key, accept.get(0).trim())) {
      return UpstreamConnectException.invalidHandshake("101 with a wrong Sec-WebSocket-Accept");
    }
    if (h.contains("Sec-WebSocket-Extensions")) {
      return UpstreamConnectException.invalidHandshake("101 with an extension none was offered");
    }
    List<String> protocol = h.all("Sec-WebSocket-Protocol");
    if (protocol.size() > 1
        || (protocol.size() == 1 && !request.subprotocols().contains(protocol.get(0).trim()))) {
      return UpstreamConnectException.invalidHandshake(
          "101 selected a subprotocol that was not offered: " + protocol);
    }
    return null;
  }
}
