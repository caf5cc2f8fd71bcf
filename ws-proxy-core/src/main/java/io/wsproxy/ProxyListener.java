package io.wsproxy;

import java.time.Duration;
import java.util.Objects;

/**
 * Lifecycle and metrics events of a {@link WebSocketProxy}; every method is a no-op by default, so
 * implement only what you need. Logging does not go through here: the proxy logs through SLF4J.
 *
 * <p><b>Threading.</b> Called on transport I/O threads, never while the proxy holds a lock. Keep
 * implementations fast and non-blocking; they must be thread-safe. An exception thrown by a listener
 * is logged and otherwise ignored.
 */
public interface ProxyListener {

  /** A listener that ignores every event. */
  ProxyListener NONE = new ProxyListener() {};

  /**
   * A listener that passes each event to {@code first}, then to {@code second} (even when
   * {@code first} threw; the exception then reaches the proxy, which logs it). Composing with
   * {@link #NONE} answers the other listener, so the proxy's no-listener fast path is kept.
   */
  static ProxyListener compose(ProxyListener first, ProxyListener second) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    if (first == NONE) {
      return second;
    }
    if (second == NONE) {
      return first;
    }
    return new ProxyListener() {
      @Override
      public void handshakeRejected(HandshakeRequest request, Rejection rejection) {
        try {
          first.handshakeRejected(request, rejection);
        } finally {
          second.handshakeRejected(request, rejection);
        }
      }

      @Override
      public void connectionOpened(ConnectionInfo connection) {
        try {
          first.connectionOpened(connection);
        } finally {
          second.connectionOpened(connection);
        }
      }

      @Override
      public void upstreamConnected(ConnectionInfo connection, Duration latency) {
        try {
          first.upstreamConnected(connection, latency);
        } finally {
          second.upstreamConnected(connection, latency);
        }
      }

      @Override
      public void upstreamFailed(ConnectionInfo connection, Throwable cause) {
        try {
          first.upstreamFailed(connection, cause);
        } finally {
          second.upstreamFailed(connection, cause);
        }
      }

      @Override
      public void messageRelayed(ConnectionInfo connection, Direction direction, int bytes) {
        try {
          first.messageRelayed(connection, direction, bytes);
        } finally {
          second.messageRelayed(connection, direction, bytes);
        }
      }

      @Override
      public void queueHighWater(ConnectionInfo connection, Direction direction, long queuedBytes) {
        try {
          first.queueHighWater(connection, direction, queuedBytes);
        } finally {
          second.queueHighWater(connection, direction, queuedBytes);
        }
      }

      @Override
      public void connectionClosed(ConnectionInfo connection, ConnectionSummary summary) {
        try {
          first.connectionClosed(connection, summary);
        } finally {
          second.connectionClosed(connection, summary);
        }
      }
    };
  }

  /** A handshake was refused; nothing was dialled. */
  default void handshakeRejected(HandshakeRequest request, Rejection rejection) {}

  /**
   * A client was accepted (it holds a connection slot) and its upstream is being dialled. In
   * connect-first mode the client gets its 101 only once the upstream answered, so a connection
   * can be opened here and end without ever being served ({@link ConnectionSummary#opened()});
   * {@link #connectionClosed} follows exactly once either way.
   */
  default void connectionOpened(ConnectionInfo connection) {}

  /** The upstream answered the upgrade after {@code latency}. */
  default void upstreamConnected(ConnectionInfo connection, Duration latency) {}

  /**
   * Dialling the upstream failed: connect-first, the client is refused (502, 504 or the upstream's
   * 4xx); accept-first, it is closed with the configured code. A dial the client abandoned is not
   * reported here.
   */
  default void upstreamFailed(ConnectionInfo connection, Throwable cause) {}

  /**
   * One message of {@code bytes} payload bytes was relayed (text: its UTF-8 length, or an upper
   * bound where the transport holds strings). Called per message: keep it allocation-free; a proxy
   * whose listener is {@link #NONE} makes no call at all.
   */
  default void messageRelayed(ConnectionInfo connection, Direction direction, int bytes) {}

  /**
   * Bytes queued toward one side passed its high-water mark: its sender was paused (where its
   * transport can pause), or, where it cannot, the queue passed {@code Limits.maxQueuedBytes()} and
   * the slow side is being closed.
   */
  default void queueHighWater(ConnectionInfo connection, Direction direction, long queuedBytes) {}

  /**
   * Both sides are closed and every buffer is released; called exactly once per
   * {@link #connectionOpened}, whether the client was served or not
   * ({@link ConnectionSummary#opened()}). By default calls
   * {@link #connectionClosed(ConnectionInfo, int, int, String)}.
   */
  default void connectionClosed(ConnectionInfo connection, ConnectionSummary summary) {
    connectionClosed(connection, summary.clientCode(), summary.upstreamCode(), summary.reason());
  }

  /**
   * The short form of {@link #connectionClosed(ConnectionInfo, ConnectionSummary)}.
   *
   * @param clientCode   the close code the client side ended with (1006 if it dropped)
   * @param upstreamCode the close code the upstream side ended with (1006 if it dropped or never
   *                     connected)
   */
  default void connectionClosed(ConnectionInfo connection, int clientCode, int upstreamCode,
      String reason) {}
}
