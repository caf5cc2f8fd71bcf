package io.wsproxy;

/**
 * When a proxied client gets its {@code 101 Switching Protocols}: after the upstream answered
 * ({@link #CONNECT_FIRST}, the default), or before the upstream is dialled ({@link #ACCEPT_FIRST}).
 */
public enum ConnectMode {

  /**
   * Dial the upstream first, with the client's whole subprotocol offer, and answer the client with
   * the upstream's answer: its selected subprotocol, or an HTTP status when it cannot be had (502
   * unreachable, refused or an invalid 101; 504 timed out; the upstream's own 4xx relayed). What
   * nginx and node-http-proxy do; nothing needs buffering and the client sees real errors.
   */
  CONNECT_FIRST,

  /**
   * Answer the client as soon as the handshake pipeline accepts it, then dial. For hosts that cannot
   * defer a handshake. The client gets only a subprotocol the route declares
   * ({@link Route#subprotocols()}); its early messages are held within
   * {@link Limits#earlyBytes()} (or its reading paused, where the transport can) until the upstream
   * opens; an upstream that cannot be reached closes the client with the proxy's
   * upstream-failure close code (1014 by default).
   */
  ACCEPT_FIRST
}
