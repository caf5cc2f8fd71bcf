package io.wsproxy.internal;

import io.wsproxy.Rejection;
import io.wsproxy.spi.UpstreamConnectException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * What a client is told when its upstream could not be had, in connect-first mode: the one mapping
 * from {@link UpstreamConnectException.Kind} to an HTTP status. The close code (for
 * {@link io.wsproxy.RejectionMode#CLOSE_CODE}) is always the upstream-failure code (the route's,
 * else the proxy's).
 *
 * <ul>
 *   <li>TIMEOUT (or a {@link TimeoutException}) → 504 Gateway Timeout;</li>
 *   <li>REFUSED with a 4xx status → that status, relayed (401, 403, 404, 429...);</li>
 *   <li>anything else (unreachable, an invalid 101, a 3xx or 5xx answer, an unexpected error) →
 *       502 Bad Gateway.</li>
 * </ul>
 */
public final class UpstreamFailures {

  public static final int BAD_GATEWAY = 502;
  public static final int GATEWAY_TIMEOUT = 504;

  private UpstreamFailures() {}

  /** The rejection for {@code error}; {@code closeCode} is the bridge's upstream-failure code. */
  public static Rejection toRejection(Throwable error, int closeCode) {
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException) {
      return new Rejection(GATEWAY_TIMEOUT, closeCode, "Gateway Timeout");
    }
    if (cause instanceof UpstreamConnectException e) {
      switch (e.kind()) {
        case TIMEOUT:
          return new Rejection(GATEWAY_TIMEOUT, closeCode, "Gateway Timeout");
        case REFUSED:
          if (e.httpStatus() >= 400 && e.httpStatus() <= 499) {
            return new Rejection(e.httpStatus(), closeCode, "Upstream refused: " + e.httpStatus());
          }
          break;
        default:
          break;
      }
    }
    return new Rejection(BAD_GATEWAY, closeCode, "Bad Gateway");
  }

  /** The cause behind the wrappers futures add. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Whether {@code error} means the dial was cancelled (the client left first). */
  static boolean isCancellation(Throwable error) {
    Throwable t = unwrap(error);
    return t instanceof CancellationException || (t instanceof UpstreamConnectException e
        && e.kind() == UpstreamConnectException.Kind.CANCELLED);
  }
}
