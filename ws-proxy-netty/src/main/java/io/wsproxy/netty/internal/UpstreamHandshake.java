package io.wsproxy.netty.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client half of the opening handshake with an upstream (RFC 6455 section 4.1): the request
 * headers, and the checks a 101 must pass (accept key, {@code Upgrade}/{@code Connection}, a
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

  /** Sets the upgrade request's headers: the caller's, then ours. */
  void writeHeaders(HttpHeaders h) {
    request.headers().forEach((name, value) -> {
      if (!isOurs(name)) {
        h.add(name, value);
      }
    });
    URI uri = request.uri();
    int port = port(uri);
    boolean defaultPort = port == ("wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
    String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[")
        ? "[" + uri.getHost() + "]" : uri.getHost();
    h.set(HttpHeaderNames.HOST, defaultPort ? host : host + ":" + port);
    h.set(HttpHeaderNames.UPGRADE, "websocket");
    h.set(HttpHeaderNames.CONNECTION, "Upgrade");
    h.set(HttpHeaderNames.SEC_WEBSOCKET_KEY, key);
    h.set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, UpgradeRequests.VERSION);
    List<String> offer = request.subprotocols();
    if (!offer.isEmpty()) {
      h.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, String.join(", ", offer));
    }
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

  /** Why {@code res} does not open the WebSocket, or {@code null} when it does. */
  UpstreamConnectException check(HttpResponse res) {
    if (res.decoderResult().isFailure()) {
      return UpstreamConnectException.invalidHandshake("unreadable upgrade response: "
          + res.decoderResult().cause());
    }
    int status = res.status().code();
    if (status != 101) {
      return status >= 100 && status <= 599
          ? UpstreamConnectException.refused(status, "upstream answered the upgrade with " + status)
          : UpstreamConnectException.invalidHandshake("upstream answered status " + status);
    }
    HttpHeaders h = res.headers();
    if (!"websocket".equalsIgnoreCase(String.valueOf(h.get(HttpHeaderNames.UPGRADE)).trim())) {
      return UpstreamConnectException.invalidHandshake("101 without Upgrade: websocket");
    }
    if (!UpgradeRequests.hasToken(h.getAll(HttpHeaderNames.CONNECTION), "upgrade")) {
      return UpstreamConnectException.invalidHandshake("101 without Connection: upgrade");
    }
    List<String> accept = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
    if (accept.size() != 1 || !expectedAccept().equals(accept.get(0).trim())) {
      return UpstreamConnectException.invalidHandshake("101 with a wrong Sec-WebSocket-Accept");
    }
    if (h.contains(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)) {
      return UpstreamConnectException.invalidHandshake("101 with an extension none was offered");
    }
    List<String> protocol = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    if (protocol.size() > 1
        || (protocol.size() == 1 && !request.subprotocols().contains(protocol.get(0).trim()))) {
      return UpstreamConnectException.invalidHandshake(
          "101 selected a subprotocol that was not offered: " + protocol);
    }
    return null;
  }

  private String expectedAccept() {
    return AcceptKey.text(key);
  }
}
