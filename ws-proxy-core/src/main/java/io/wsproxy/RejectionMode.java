package io.wsproxy;

/**
 * How a transport tells a client its handshake was refused.
 *
 * <p>Browsers cannot read the HTTP status of a failed upgrade (the page only sees a generic error),
 * so clients that must show the reason need {@link #CLOSE_CODE}.
 */
public enum RejectionMode {
  /** Refuse the upgrade with {@link Rejection#httpStatus()} (the default). */
  HTTP_STATUS,
  /** Complete the upgrade, then close at once with {@link Rejection#closeCode()} and the reason. */
  CLOSE_CODE
}
