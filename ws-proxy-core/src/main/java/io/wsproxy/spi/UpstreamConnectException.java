package io.wsproxy.spi;

import java.util.Objects;

/**
 * Dialling an upstream failed. The {@link Kind} says how, and decides what the client is told: the
 * core maps it to an HTTP status (or close code) in one place, so every connector is answered alike.
 */
public class UpstreamConnectException extends java.io.IOException {

  private static final long serialVersionUID = 1L;

  /** How dialling failed. */
  public enum Kind {
    /** Name resolution, TCP connect or TLS failed, or the connection broke during the upgrade. */
    UNREACHABLE,
    /** The connect timeout ran out before the upgrade completed. */
    TIMEOUT,
    /** The upstream answered the upgrade with an HTTP status other than 101 ({@link #httpStatus()}). */
    REFUSED,
    /**
     * The upstream's 101 broke RFC 6455: a wrong {@code Sec-WebSocket-Accept}, a subprotocol or an
     * extension that was not offered, missing {@code Upgrade}/{@code Connection} headers.
     */
    INVALID_HANDSHAKE,
    /** The dial was cancelled (the client left first). */
    CANCELLED
  }

  private final Kind kind;
  private final int httpStatus;

  /**
   * @param kind       how dialling failed
   * @param httpStatus the upstream's HTTP status for {@link Kind#REFUSED}, else 0
   */
  public UpstreamConnectException(Kind kind, int httpStatus, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    if (kind == Kind.REFUSED && (httpStatus < 100 || httpStatus > 599)) {
      throw new IllegalArgumentException("a refusal needs the upstream's HTTP status: " + httpStatus);
    }
    this.httpStatus = kind == Kind.REFUSED ? httpStatus : 0;
  }

  /** Unreachable, refused at the TCP level, TLS failed. */
  public static UpstreamConnectException unreachable(String message, Throwable cause) {
    return new UpstreamConnectException(Kind.UNREACHABLE, 0, message, cause);
  }

  /** The connect timeout ran out. */
  public static UpstreamConnectException timedOut(String message) {
    return new UpstreamConnectException(Kind.TIMEOUT, 0, message, null);
  }

  /** The upstream answered the upgrade with {@code httpStatus}. */
  public static UpstreamConnectException refused(int httpStatus, String message) {
    return new UpstreamConnectException(Kind.REFUSED, httpStatus, message, null);
  }

  /** The upstream's 101 failed validation. */
  public static UpstreamConnectException invalidHandshake(String message) {
    return new UpstreamConnectException(Kind.INVALID_HANDSHAKE, 0, message, null);
  }

  /** How dialling failed. */
  public Kind kind() {
    return kind;
  }

  /** The upstream's HTTP status for {@link Kind#REFUSED}, else 0. */
  public int httpStatus() {
    return httpStatus;
  }
}
