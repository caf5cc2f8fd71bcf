package io.wsproxy.spi;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.RejectionMode;

/**
 * What a server transport serves: a {@code WebSocketProxy} or a {@code Gateway}. For every upgrade
 * request the transport calls {@link #handshake}, waits for the {@link PendingHandshake}'s decision
 * without blocking, answers the client, then opens or abandons the pending handshake.
 *
 * <p>The transport checks the request's framing (RFC 6455/9112: one {@code Host},
 * {@code Connection: upgrade}, {@code Upgrade: websocket}, a 16-byte key, version 13, no body) before
 * it calls {@link #handshake}; everything else (origin, auth, caps, routing, the upstream dial) is
 * the endpoint's.
 *
 * <p><b>Threading.</b> Thread-safe; called on the transport's threads. Never blocks.
 */
public interface WsEndpoint {

  /**
   * Starts the handshake of one upgrade request.
   *
   * @param request  the client's upgrade request
   * @param affinity the transport's affinity hint, passed on to {@link UpstreamRequest#affinity()}
   *                 (Netty: the client channel's event loop), or {@code null}. When it is a
   *                 {@link java.util.concurrent.ScheduledExecutorService}, a proxy also runs the
   *                 connection's timers (connect safety net, idle and keepalive checks, close
   *                 watchdog) on it, falling back to its own timer thread when it refuses a task:
   *                 such an executor must run short non-blocking tasks, and must close the
   *                 transport's channels when it shuts down (or keep running its timers)
   */
  PendingHandshake handshake(HandshakeRequest request, Object affinity);

  /** {@link #handshake(HandshakeRequest, Object)} without an affinity hint. */
  default PendingHandshake handshake(HandshakeRequest request) {
    return handshake(request, null);
  }

  /** The limits the transport must apply (frame and message size, timeouts, pending handshakes). */
  Limits limits();

  /** How the transport tells a client its handshake was refused. */
  RejectionMode rejectionMode();
}
