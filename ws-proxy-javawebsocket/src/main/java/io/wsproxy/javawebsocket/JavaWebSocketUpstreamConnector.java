package io.wsproxy.javawebsocket;

import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import io.wsproxy.javawebsocket.internal.ConnectorResources;
import io.wsproxy.javawebsocket.internal.UpstreamClient;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * An {@link UpstreamConnector} on Java-WebSocket's {@code WebSocketClient}. The JDK connector
 * ({@code ws-proxy-jdk-httpclient}) is the default and scales better; use this one to avoid
 * {@code java.net.http} or to match a Java-WebSocket upstream's behaviour. It is not registered as a
 * service: pass it to {@code WebSocketProxy.Builder.connector(...)}.
 *
 * <p><b>Cost.</b> Each connection has two daemon threads of its own (Java-WebSocket's client reads and
 * writes with blocking I/O): {@code WebSocketConnectReadThread-*}, which connects, reads and delivers
 * every listener event, and {@code WebSocketWriteThread-*}. Both end when the connection closes. One
 * shared daemon timer thread per connector runs connect and close timeouts.
 *
 * <p><b>Behaviour.</b> TCP_NODELAY on; frames from the upstream larger than
 * {@link UpstreamRequest#maxFrameSize()}, messages larger than
 * {@link UpstreamRequest#maxMessageSize()}, close it with 1009; a masked or otherwise malformed
 * upstream frame with 1002. The request's whole subprotocol offer is made, and the upstream must
 * choose one of them or none. The connect timeout covers TCP connect, TLS and the upgrade. Failures
 * carry their {@link io.wsproxy.spi.UpstreamConnectException.Kind}: refused or unresolvable TCP,
 * TLS failure → {@code UNREACHABLE}; the timeout → {@code TIMEOUT}; a non-101 answer →
 * {@code REFUSED} with the upstream's status; a 101 with a wrong {@code Sec-WebSocket-Accept},
 * missing upgrade headers, a subprotocol that was not offered or any extension →
 * {@code INVALID_HANDSHAKE}. Cancelling the returned future abandons the dial. The request's
 * handshake headers ({@code Host}, {@code Connection}, {@code Upgrade}, {@code Sec-WebSocket-*})
 * are written by the client itself; the request's own values for them are ignored. A send answers
 * "not writable" at {@link io.wsproxy.Limits#DEFAULT_MAX_QUEUED_BYTES} queued, and
 * {@code onWritable} follows once half of it is written.
 *
 * <p><b>Lifecycle.</b> {@link #close()} makes new dials fail at once; the shared timer thread ends
 * once every connection this connector opened has ended (open connections keep working).
 *
 * <p><b>Threading.</b> Thread-safe; {@link #connect} never blocks. Listener events arrive on the
 * connection's read thread, or on the timer thread (a close timeout, {@code onWritable}).
 */
public final class JavaWebSocketUpstreamConnector implements UpstreamConnector {

  private final SSLSocketFactory tls;
  private final ConnectorResources resources = new ConnectorResources();

  /** A connector using the JDK's default TLS settings for {@code wss://}. */
  public JavaWebSocketUpstreamConnector() {
    this.tls = null;
  }

  /** A connector using {@code sslContext} (its trust material) for {@code wss://} upstreams. */
  public JavaWebSocketUpstreamConnector(SSLContext sslContext) {
    this.tls = Objects.requireNonNull(sslContext, "sslContext").getSocketFactory();
  }

  /**
   * Dials the upstream on a new read thread and returns at once. After {@link #close()} the future
   * fails at once ({@code UNREACHABLE}).
   */
  @Override
  public CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    return UpstreamClient.connect(request, listener, resources, tls);
  }

  /** Stops new dials; the timer thread ends once the open connections have ended. Idempotent. */
  @Override
  public void close() {
    resources.close();
  }
}
