package io.wsproxy;

/** Dialling an upstream failed: refused, unreachable, timed out, or the upgrade was refused. */
public class UpstreamConnectException extends java.io.IOException {

  private final int httpStatus;

  /** @param httpStatus the upstream's HTTP status if it answered the upgrade with one, else 0 */
  public UpstreamConnectException(String message, int httpStatus, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
  }

  public UpstreamConnectException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  /** The upstream's HTTP status for a refused upgrade, or 0 when it never answered one. */
  public int httpStatus() {
    return httpStatus;
  }
}
