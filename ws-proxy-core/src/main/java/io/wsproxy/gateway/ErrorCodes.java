package io.wsproxy.gateway;

/**
 * The error codes a {@link Gateway} answers with, in both protocols: the JSON-RPC 2.0 standard codes,
 * and gateway codes in the range JSON-RPC reserves for implementations (-32000 to -32099). A handler
 * may answer any other code by throwing a {@link GatewayException}.
 */
public final class ErrorCodes {

  /** The message is not JSON, or nests deeper than the configured depth. */
  public static final int PARSE_ERROR = -32700;
  /** The JSON is not a valid request (missing or ill-typed {@code id}, {@code type}/{@code method}). */
  public static final int INVALID_REQUEST = -32600;
  /** No handler is registered for the type or method. */
  public static final int METHOD_NOT_FOUND = -32601;
  /** The params do not fit the handler's params type, or a required member is missing. */
  public static final int INVALID_PARAMS = -32602;
  /** The handler failed; details go to the gateway's log, never on the wire. */
  public static final int INTERNAL_ERROR = -32603;

  /** The caller cancelled the request ({@code cancel {id}}); the number LSP uses. */
  public static final int REQUEST_CANCELLED = -32800;

  /** The client must authenticate first (or its credentials were refused). */
  public static final int NOT_AUTHENTICATED = -32001;
  /** The client sends faster than its rate limit allows. */
  public static final int RATE_LIMITED = -32002;
  /** The message is larger than the gateway's message size limit. */
  public static final int MESSAGE_TOO_LARGE = -32003;
  /** An agent did not answer a routed request in time. */
  public static final int TIMEOUT = -32004;
  /** No online agent can serve the request, or it went offline before answering. */
  public static final int UNAVAILABLE = -32005;
  /** The client may not do this (for example, it is not a member of the session). */
  public static final int FORBIDDEN = -32006;
  /** The named thing already exists (a session id, an agent id held by another client). */
  public static final int CONFLICT = -32007;

  private ErrorCodes() {}
}
