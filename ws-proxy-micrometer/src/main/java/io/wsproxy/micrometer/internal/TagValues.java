package io.wsproxy.micrometer.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.Rejection;
import io.wsproxy.spi.UpstreamConnectException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The few values each tag may take. Every mapping here is onto a small fixed set, so a metric's
 * cardinality never depends on traffic: no path, session id, principal, address or free-form reason
 * text ever becomes a tag value. Stateless.
 */
public final class TagValues {

  /** {@code outcome} of {@code wsproxy.upstream.connect} when the upstream answered with a 101. */
  public static final String SUCCESS = "success";

  private TagValues() {}

  /**
   * The {@code reason} of a refused handshake, from its HTTP status (a custom validator's reason
   * text is unbounded, so it is never used).
   */
  public static String refusalReason(Rejection rejection) {
    return switch (rejection.httpStatus()) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 429 -> "too_many_requests";
      case 431 -> "headers_too_large";
      case 500 -> "internal_error";
      case 503 -> "unavailable";
      default -> rejection.httpStatus() < 500 ? "client_error" : "server_error";
    };
  }

  /**
   * The {@code code} tag of a close: the code itself for the 16 codes RFC 6455 registers
   * (1000–1015), else its range ({@code 3xxx} registered, {@code 4xxx} private use) or
   * {@code other}.
   */
  public static String closeCode(int code) {
    if (code >= CloseCodes.NORMAL && code <= CloseCodes.TLS_HANDSHAKE) {
      return Integer.toString(code);
    }
    if (code >= 3000 && code <= 3999) {
      return "3xxx";
    }
    if (code >= 4000 && code <= 4999) {
      return "4xxx";
    }
    return "other";
  }

  /** The {@code outcome} of a failed dial: the failure's kind, lower case, or {@code error}. */
  public static String dialFailure(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof UpstreamConnectException e) {
      return switch (e.kind()) {
        case UNREACHABLE -> "unreachable";
        case TIMEOUT -> "timeout";
        case REFUSED -> "refused";
        case INVALID_HANDSHAKE -> "invalid_handshake";
        case CANCELLED -> "cancelled";
      };
    }
    if (t instanceof TimeoutException) {
      return "timeout";
    }
    if (t instanceof CancellationException) {
      return "cancelled";
    }
    return "error";
  }
}
