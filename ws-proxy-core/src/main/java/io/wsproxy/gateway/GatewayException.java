package io.wsproxy.gateway;

/**
 * Thrown by a {@link Handler} (or used to complete its stage exceptionally) to answer the client
 * with a specific error. Its code, message and data go on the wire; any other exception becomes
 * {@link ErrorCodes#INTERNAL_ERROR} with a generic message, and only the log sees its details.
 * Never put secrets or stack traces in the message or data.
 */
public class GatewayException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int code;
  private final transient Object data;

  /** An error with {@code code} and {@code message} and no data. */
  public GatewayException(int code, String message) {
    this(code, message, null);
  }

  /**
   * An error with {@code code}, {@code message} and {@code data}, which is serialised with the
   * gateway's Gson ({@code data} in JSON-RPC, {@code details} in the envelope protocol).
   */
  public GatewayException(int code, String message, Object data) {
    super(message == null ? "" : message, null, false, false);
    this.code = code;
    this.data = data;
  }

  /** The error code (see {@link ErrorCodes}). */
  public int code() {
    return code;
  }

  /** Extra error data, or {@code null}. */
  public Object data() {
    return data;
  }
}
