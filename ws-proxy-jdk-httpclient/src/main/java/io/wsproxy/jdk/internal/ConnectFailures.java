package io.wsproxy.jdk.internal;

import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamConnectException.Kind;
import io.wsproxy.spi.UpstreamRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps what {@code WebSocket.Builder.buildAsync} fails with to an {@link UpstreamConnectException}
 * of the right {@link Kind}. What the JDK (17, and unchanged through 25) throws, read from
 * {@code jdk.internal.net.http.websocket.OpeningHandshake}:
 * <ul>
 *   <li>an answer other than 101: {@link WebSocketHandshakeException} whose
 *       {@code getResponse().statusCode()} is that status → {@link Kind#REFUSED};</li>
 *   <li>a 101 that fails its checks (wrong {@code Sec-WebSocket-Accept}, a subprotocol that was not
 *       offered, any {@code Sec-WebSocket-Extensions}, missing or multiple {@code Upgrade} /
 *       {@code Connection}): {@link WebSocketHandshakeException} with status 101, caused by the
 *       JDK's internal {@code CheckFailedException} naming the check → {@link Kind#INVALID_HANDSHAKE};</li>
 *   <li>the request timeout ({@code WebSocket.Builder.connectTimeout}, connect plus upgrade) or the
 *       client's TCP connect timeout: {@link HttpTimeoutException} (or its subclass
 *       {@code HttpConnectTimeoutException}) → {@link Kind#TIMEOUT};</li>
 *   <li>refused or unreachable TCP ({@code ConnectException}), name resolution, TLS
 *       ({@code SSLException}), a connection that ends before the answer (an {@link IOException}) →
 *       {@link Kind#UNREACHABLE};</li>
 *   <li>a request the JDK refuses to send (an {@link IllegalArgumentException}: a subprotocol that
 *       is not a token, a header it reserves) → {@link Kind#UNREACHABLE}, naming the reason.</li>
 * </ul>
 * Messages name the upstream by scheme, host and port only: its path and query may carry
 * credentials. Stateless; thread-safe.
 */
final class ConnectFailures {

  private ConnectFailures() {}

  /** The exception a failed dial of {@code request} completes its future with. */
  static UpstreamConnectException of(Throwable error, UpstreamRequest request) {
    Throwable cause = unwrap(error);
    String target = target(request.uri());
    if (cause instanceof UpstreamConnectException e) {
      return e;
    }
    if (cause instanceof WebSocketHandshakeException e) {
      int status = e.getResponse() == null ? 0 : e.getResponse().statusCode();
      String why = e.getCause() == null ? "" : ": " + e.getCause().getMessage();
      if (status != 101 && status >= 100 && status <= 599) {
        return new UpstreamConnectException(Kind.REFUSED, status,
            "upstream " + target + " refused the upgrade with HTTP " + status, e);
      }
      return new UpstreamConnectException(Kind.INVALID_HANDSHAKE, 0,
          "upstream " + target + " answered an invalid upgrade (HTTP " + status + ")" + why, e);
    }
    if (cause instanceof HttpTimeoutException) {
      return new UpstreamConnectException(Kind.TIMEOUT, 0, "upstream " + target
          + " did not complete the upgrade within " + request.connectTimeout(), cause);
    }
    if (cause instanceof CancellationException) {
      return new UpstreamConnectException(Kind.CANCELLED, 0, "dial to " + target + " cancelled", cause);
    }
    if (cause instanceof IllegalArgumentException) {
      return new UpstreamConnectException(Kind.UNREACHABLE, 0,
          "the JDK client refused the request to " + target + ": " + cause.getMessage(), cause);
    }
    if (cause instanceof IOException) {
      return new UpstreamConnectException(Kind.UNREACHABLE, 0,
          "upstream " + target + " unreachable: " + cause, cause);
    }
    return new UpstreamConnectException(Kind.UNREACHABLE, 0,
        "connecting to upstream " + target + " failed: " + cause, cause);
  }

  /** Scheme, host and port only: the path, query and user info may carry credentials. */
  static String target(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
