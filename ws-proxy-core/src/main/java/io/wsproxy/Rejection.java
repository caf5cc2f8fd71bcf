package io.wsproxy;

import java.util.Objects;

/**
 * A refused handshake: the HTTP status a transport sends where it can refuse the upgrade, and the
 * close code used where it accepts first and closes at once (see {@link RejectionMode}).
 *
 * <p>The reason is sent to the client; never put secrets in it.
 *
 * @param httpStatus 4xx or 5xx status for the refused upgrade
 * @param closeCode  close code (usually 4000–4999) for the close-code mode
 * @param reason     short human-readable reason, sent to the client
 */
public record Rejection(int httpStatus, int closeCode, String reason)
    implements HandshakeDecision, RouteResult, AuthResult {

  public Rejection {
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("httpStatus must be 400..599: " + httpStatus);
    }
    if (!CloseCodes.isSendable(closeCode)) {
      throw new IllegalArgumentException("closeCode cannot be sent on the wire: " + closeCode);
    }
    Objects.requireNonNull(reason, "reason");
  }

  /** 400 / 4400. */
  public static Rejection badRequest(String reason) {
    return new Rejection(400, CloseCodes.BAD_REQUEST, reason);
  }

  /** 401 / 4401. */
  public static Rejection unauthorized(String reason) {
    return new Rejection(401, CloseCodes.UNAUTHORIZED, reason);
  }

  /** 403 / 4403. */
  public static Rejection forbidden(String reason) {
    return new Rejection(403, CloseCodes.FORBIDDEN, reason);
  }

  /** 404 / 4404. */
  public static Rejection notFound(String reason) {
    return new Rejection(404, CloseCodes.NOT_FOUND, reason);
  }

  /** 429 / 4429. */
  public static Rejection tooManyRequests(String reason) {
    return new Rejection(429, CloseCodes.TOO_MANY_REQUESTS, reason);
  }

  /** 503 / 1013 (Try Again Later). */
  public static Rejection unavailable(String reason) {
    return new Rejection(503, CloseCodes.TRY_AGAIN_LATER, reason);
  }
}
