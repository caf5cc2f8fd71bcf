package io.wsproxy;

import java.util.concurrent.CompletableFuture;

/**
 * The transport SPI for dialling upstream WebSocket servers. Implementations: {@code JdkUpstreamConnector}
 * (module {@code ws-proxy-jdk-httpclient}, the default) and {@code JavaWebSocketUpstreamConnector}
 * (module {@code ws-proxy-javawebsocket}).
 *
 * <p><b>Contract.</b> {@link #connect} returns at once. On success the connector calls
 * {@link WsListener#onOpen} exactly once, before any other listener event, and then completes the
 * future with the same channel. On failure (refused, unreachable, timed out, upgrade refused, the
 * offered subprotocol not selected) it completes the future exceptionally, preferably with an
 * {@link UpstreamConnectException}, and calls no listener method. Messages larger than
 * {@link UpstreamRequest#maxMessageSize()} close the upstream with 1009.
 *
 * <p>Connectors are shared by all connections of a proxy and must be thread-safe. {@link #close()}
 * releases shared resources (threads, selectors); connections already open are not closed by it.
 */
public interface UpstreamConnector extends AutoCloseable {

  /** Dials {@code request.uri()} and reports events of the new channel to {@code listener}. */
  CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener);

  /** Releases shared resources; idempotent. */
  @Override
  default void close() {}
}
