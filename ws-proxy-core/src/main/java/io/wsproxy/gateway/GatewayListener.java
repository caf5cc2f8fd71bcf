package io.wsproxy.gateway;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Rejection;
import java.time.Duration;
import java.util.Objects;

/**
 * Lifecycle events of a {@link Gateway}; every method is a no-op by default. Logging does not go
 * through here: the gateway logs through SLF4J.
 *
 * <p><b>Threading.</b> Called on the thread that caused the event (a transport thread, the
 * gateway's timer thread, or the thread completing an asynchronous validator), never while the
 * gateway holds a lock. Implementations must be thread-safe and fast. An exception thrown by a
 * listener is logged and otherwise ignored.
 */
public interface GatewayListener {

  /** A listener that ignores every event. */
  GatewayListener NONE = new GatewayListener() {};

  /**
   * A listener that passes each event to {@code first}, then to {@code second} (even when
   * {@code first} threw; the exception then reaches the gateway, which logs it), as {@link
   * io.wsproxy.ProxyListener#compose} does for the proxy. Composing with {@link #NONE} answers the
   * other listener.
   */
  static GatewayListener compose(GatewayListener first, GatewayListener second) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    if (first == NONE) {
      return second;
    }
    if (second == NONE) {
      return first;
    }
    return new GatewayListener() {
      @Override
      public void handshakeRejected(HandshakeRequest request, Rejection rejection) {
        try {
          first.handshakeRejected(request, rejection);
        } finally {
          second.handshakeRejected(request, rejection);
        }
      }

      @Override
      public void clientConnected(ClientInfo client) {
        try {
          first.clientConnected(client);
        } finally {
          second.clientConnected(client);
        }
      }

      @Override
      public void clientAuthenticated(ClientInfo client) {
        try {
          first.clientAuthenticated(client);
        } finally {
          second.clientAuthenticated(client);
        }
      }

      @Override
      public void clientDisconnected(ClientInfo client, int code, String reason) {
        try {
          first.clientDisconnected(client, code, reason);
        } finally {
          second.clientDisconnected(client, code, reason);
        }
      }

      @Override
      public void sessionCreated(SessionInfo session) {
        try {
          first.sessionCreated(session);
        } finally {
          second.sessionCreated(session);
        }
      }

      @Override
      public void sessionRemoved(String sessionId) {
        try {
          first.sessionRemoved(sessionId);
        } finally {
          second.sessionRemoved(sessionId);
        }
      }

      @Override
      public void agentChanged(AgentInfo agent) {
        try {
          first.agentChanged(agent);
        } finally {
          second.agentChanged(agent);
        }
      }

      @Override
      public void callCompleted(String method, String outcome, int errorCode,
          Duration duration) {
        try {
          first.callCompleted(method, outcome, errorCode, duration);
        } finally {
          second.callCompleted(method, outcome, errorCode, duration);
        }
      }
    };
  }

  /** A handshake was refused (origin, auth or header limits). */
  default void handshakeRejected(HandshakeRequest request, Rejection rejection) {}

  /** A client was accepted; called once per client, before any other event of it. */
  default void clientConnected(ClientInfo client) {}

  /**
   * A client became authenticated: at connect when its handshake named a principal, else when its
   * auth message was accepted.
   */
  default void clientAuthenticated(ClientInfo client) {}

  /**
   * A client is gone and its state removed; called once per connected client.
   *
   * @param code   the close code: the peer's when it closed, else the one the gateway closed with
   * @param reason the close reason, or empty
   */
  default void clientDisconnected(ClientInfo client, int code, String reason) {}

  /** A session was created (its first member is joining). */
  default void sessionCreated(SessionInfo session) {}

  /** A session's last member left, and the session was removed. */
  default void sessionRemoved(String sessionId) {}

  /** An agent registered, or went offline with its connection ({@link AgentInfo#online()}). */
  default void agentChanged(AgentInfo agent) {}

  /**
   * A call was answered (or refused) — for metrics by method and outcome.
   *
   * @param method    the registered method (or message type) name; {@code "(unknown)"} for one that
   *                  is not registered, so the set of names stays bounded
   * @param outcome   {@code ok}, {@code error} (the handler's own error reply), {@code cancelled},
   *                  {@code internal_error}, or {@code refused} (not authenticated, unknown,
   *                  invalid params, too many in flight)
   * @param errorCode the error reply's code, or 0 for {@code ok}
   * @param duration  from the request's arrival to its answer
   */
  default void callCompleted(String method, String outcome, int errorCode, Duration duration) {}
}
