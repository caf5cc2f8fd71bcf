package io.wsproxy.gateway;

/**
 * The wire format of a {@link Gateway}; one per gateway, chosen with
 * {@link GatewayBuilder#protocol}. Both carry the same methods, errors and events.
 *
 * <p><b>{@link #ENVELOPE}</b>: every message is {@code {type, id, sessionId?, payload, timestamp}}.
 * A request's {@code type} names the handler; the reply echoes its {@code id} and {@code sessionId}
 * with the type {@code <type>_ok}, except {@code connect} → {@code hello_ok}, {@code auth} →
 * {@code auth_success} and {@code ping} → {@code pong}. Errors are
 * {@code {type: "error", id, payload: {code, message, details?}}}; server events are envelopes
 * whose type is the event name and whose id the gateway generates.
 *
 * <p><b>{@link #JSON_RPC}</b> (JSON-RPC 2.0 style): requests are {@code {id, method, params?}}
 * ({@code "jsonrpc": "2.0"} optional; {@code id} required, a string or number; batches are refused),
 * answered with {@code {jsonrpc: "2.0", id, result}} or
 * {@code {jsonrpc: "2.0", id, error: {code, message, data?}}}. Server events are
 * {@code {event, data, sessionId?}}.
 *
 * <p>Error codes are the same numbers in both protocols: see {@link ErrorCodes}.
 */
public enum GatewayProtocol {
  /** {@code {type, id, sessionId?, payload, timestamp}} messages. */
  ENVELOPE,
  /** {@code {id, method, params}} requests, {@code {id, result | error}} replies, {@code {event, data}}. */
  JSON_RPC
}
