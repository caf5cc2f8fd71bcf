package io.wsproxy.javawebsocket;

import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import io.wsproxy.internal.Scheduler;
import io.wsproxy.javawebsocket.internal.UpstreamClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * An {@link io.wsproxy.spi.UpstreamConnector} on Java-WebSocket's {@code WebSocketClient}. The JDK connector
 * ({@code ws-proxy-jdk-httpclient}) is the default and scales better; use this one to avoid
 * {@code java.net.http} or to match a Java-WebSocket upstream's behaviour. It is not registered as a
 * service: pass it to {@code WebSocketProxy.Builder.connector(...)}.
 *
 * <p><b>Cost.</b> Each connection has two daemon threads of its own (Java-WebSocket's client reads and
 * writes with blocking I/O): {@code WebSocketConnectReadThread-*}, which connects, reads and delivers
 * every listener event, and {@code WebSocketWriteThread-*}. Both end when the connection closes. One
 * shared daemon timer thread per connector runs connect and close timeouts.
 *
 * <p><b>Behaviour.</b> TCP_NODELAY on; frames and messages from the upstream larger than
 * {@link io.wsproxy.spi.UpstreamRequest#maxMessageSize()} close it with 1009; the request's subprotocols are offered
 * and the upstream must choose one of them (or none when none is offered), else the connect fails.
 * The connect timeout covers TCP connect, TLS and the upgrade. A refused upgrade fails with an
 * {@link io.wsproxy.UpstreamConnectException} carrying the upstream's HTTP status. The request's
 * handshake headers ({@code Host}, {@code Connection}, {@code Upgrade}, {@code Sec-WebSocket-*}) are
 * written by the client itself; the request's own values for them are ignored.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #connect} never blocks. Listener events arrive on the
 * connection's read thread, or on the timer thread for a close timeout.
 */
public final class JavaWebSocketUpstreamConnector implements UpstreamConnector {

  private final SSLSocketFactory tls;
  private final Scheduler timer = new Scheduler("ws-proxy-jws-client-timer");
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong longestCloseTimeoutNanos = new AtomicLong();

  /** A connector using the JDK's default TLS settings for {@code wss://}. */
  public JavaWebSocketUpstreamConnector() {
    this.tls = null;
  }

  /** A connector using {@code sslContext} (its trust material) for {@code wss://} upstreams. */
  public JavaWebSocketUpstreamConnector(SSLContext sslContext) {
    this.tls = Objects.requireNonNull(sslContext, "sslContext").getSocketFactory();
  }

  /**
   * Dials the upstream on a new read thread and returns at once.
   *
   * @throws IllegalArgumentException if the URI is not {@code ws://} or {@code wss://}
   * @throws IllegalStateException    after {@link #close()}
   */
  @Override
  public CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    String scheme = request.uri().getScheme();
    if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("uri must be ws:// or wss://: " + request.uri());
    }
    if (closed.get()) {
      throw new IllegalStateException("connector is closed");
    }
    longestCloseTimeoutNanos.accumulateAndGet(request.closeTimeout().toNanos(), Math::max);
    return UpstreamClient.connect(request, listener, timer, tls);
  }

  /**
   * Stops the timer thread once close timeouts already armed have fallen due. Open connections keep
   * working (their threads are their own), but connect and close timeouts are no longer enforced
   * for them. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      timer.shutdownAfter(Duration.ofNanos(longestCloseTimeoutNanos.get()));
    }
  }
}
