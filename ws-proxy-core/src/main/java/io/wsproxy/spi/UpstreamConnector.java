package io.wsproxy.spi;

import java.util.concurrent.CompletableFuture;

/**
 * The transport SPI for dialling upstream WebSocket servers. Implementations: the Netty connector
 * ({@code ws-proxy-netty}), {@code JdkUpstreamConnector} ({@code ws-proxy-jdk-httpclient}) and
 * {@code JavaWebSocketUpstreamConnector} ({@code ws-proxy-javawebsocket}).
 *
 * <p><b>Contract.</b> {@link #connect} returns at once. On success the connector calls
 * {@link WsListener#onOpen} exactly once, before any other listener event, and then completes the
 * future with the same channel, whose {@link WsChannel#subprotocol()} is the upstream's choice. On
 * failure it completes the future exceptionally with an {@link UpstreamConnectException} naming the
 * {@link UpstreamConnectException.Kind}, and calls no listener method. Cancelling the future
 * ({@code cancel(true|false)}) before it completes abandons the dial: the connector closes what it
 * opened and calls no listener method. Frames or messages over the request's limits close the
 * upstream with 1009.
 *
 * <p><b>Lifecycle.</b> Connectors are shared by all connections of a proxy and are thread-safe.
 * {@link #close()} stops new dials (they fail at once) and releases shared resources (threads,
 * selectors, event loops) once the connections it opened have ended; it does not close them.
 */
public interface UpstreamConnector extends AutoCloseable {

  /** Dials {@code request.uri()} and reports events of the new channel to {@code listener}. */
  CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener);

  /**
   * Whether every future {@link #connect} returns completes by itself within the request's
   * {@linkplain UpstreamRequest#connectTimeout() connect timeout}: the connector's own timer fails a
   * dial still unanswered then with a {@link UpstreamConnectException.Kind#TIMEOUT TIMEOUT}. The
   * core arms a safety net of its own a little after that timeout unless this answers
   * {@code true}; {@code false} by default. Thread-safe, and constant for the connector's life.
   */
  default boolean timesOutDials() {
    return false;
  }

  /** Stops new dials and releases shared resources (see the class comment); idempotent. */
  @Override
  default void close() {}
}
