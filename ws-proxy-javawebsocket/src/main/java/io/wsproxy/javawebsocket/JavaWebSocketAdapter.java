package io.wsproxy.javawebsocket;

import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.internal.Scheduler;
import io.wsproxy.javawebsocket.internal.GuardedFactory;
import io.wsproxy.javawebsocket.internal.LimitedDraft;
import io.wsproxy.javawebsocket.internal.ServerConnection;
import io.wsproxy.javawebsocket.internal.ServerHandshakes;
import io.wsproxy.javawebsocket.internal.WriteWakeups;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link io.wsproxy.spi.WsEndpoint} (a {@code WebSocketProxy}, a gateway) from a host's own Java-WebSocket
 * {@link WebSocketServer}. The adapter holds no proxy logic: it turns Java-WebSocket's callbacks into
 * the endpoint's handshake, channel and listener calls.
 *
 * <pre>{@code
 * JavaWebSocketAdapter adapter = new JavaWebSocketAdapter(proxy);
 * WebSocketServer server = new WebSocketServer(new InetSocketAddress(8080), adapter.drafts()) {
 *   public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket c, Draft d,
 *       ClientHandshake h) throws InvalidDataException {
 *     return adapter.onWebsocketHandshakeReceivedAsServer(c, d, h);
 *   }
 *   public void onOpen(WebSocket c, ClientHandshake h) { adapter.onOpen(c, h); }
 *   public void onMessage(WebSocket c, String m) { adapter.onMessage(c, m); }
 *   public void onMessage(WebSocket c, ByteBuffer m) { adapter.onMessage(c, m); }
 *   public void onClose(WebSocket c, int code, String r, boolean remote) { adapter.onClose(c, code, r, remote); }
 *   public void onError(WebSocket c, Exception e) { adapter.onError(c, e); }
 *   public void onStart() {}
 * };
 * adapter.configure(server);
 * server.setWebSocketFactory(adapter.serverFactory(new DefaultWebSocketServerFactory()));
 * server.start();
 * // on shutdown: server.stop(timeoutMillis); adapter.close();
 * }</pre>
 *
 * <p><b>Handshake.</b> The handshake hook builds a {@code HandshakeRequest} and waits for the
 * endpoint's decision, at most {@code limits().handshakeTimeout()} plus a grace of 1 s, so an
 * endpoint's own timeout answer (401 / 4401 from a proxy whose validator hangs) comes first; an
 * endpoint that never decides gets 503 / 1013. Accepted: the
 * client gets {@code Sec-WebSocket-Protocol} when the decision names a subprotocol, none otherwise.
 * Refused in {@link io.wsproxy.RejectionMode#HTTP_STATUS} mode: the client gets the rejection's HTTP
 * status ({@code 401}, {@code 403}, {@code 429}, {@code 431}...) with the reason as a
 * {@code text/plain} body and {@code Connection: close}, then the connection is closed; the host sees
 * no {@code onOpen} or {@code onClose} for it. Refused in {@code CLOSE_CODE} mode: the upgrade
 * completes, and the adapter closes the connection at once with the rejection's close code and
 * reason (the host sees {@code onOpen} and {@code onClose}); the endpoint is never opened.
 *
 * <p><b>Limits.</b> {@link #drafts()} limits every frame, and every joined message, to
 * {@code limits().maxFrameSize()} (Java-WebSocket has one limit for both; its default is unbounded).
 * A larger frame closes that client with 1009 and no other. A host server built without these drafts
 * is refused: every upgrade gets 500 and an error is logged.
 *
 * <p><b>Connection factory.</b> Java-WebSocket 1.6.0 drops the last frames of a client whose end of
 * stream (TCP FIN) arrives with them, as it does from the JDK client, which half-closes right after
 * its close frame: the endpoint then sees neither the last message nor the client's close code, but
 * 1006. It also buffers an upgrade request of any size. A host server given
 * {@link #serverFactory} is guarded against both (as {@link ProxyServer} is); without it, it keeps
 * Java-WebSocket's behaviour. Over TLS pass the host's {@code DefaultSSLWebSocketServerFactory}.
 *
 * <p><b>Ownership.</b> The adapter owns the attachment of the connections it serves
 * ({@code WebSocket.setAttachment}): the host must not replace it. Connections the adapter did not
 * accept are ignored by every {@code on*} method, except that {@link #onOpen} closes a connection
 * whose handshake did not go through the adapter (1011), since nothing would serve it.
 *
 * <p><b>Threading.</b> Thread-safe; one adapter serves every connection of a server. The handshake
 * hook blocks its {@code WebSocketWorker} thread while an asynchronous auth validator runs (bounded by
 * the handshake timeout). Listener events run on Java-WebSocket's threads, one at a time per
 * connection. One daemon timer thread, started on first use, runs close timeouts; {@link #close()}
 * stops it.
 */
public final class JavaWebSocketAdapter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JavaWebSocketAdapter.class);

  /** How long a connection may go without answering Java-WebSocket's pings: 60 s (its default). */
  public static final Duration DEFAULT_CONNECTION_LOST_TIMEOUT = Duration.ofSeconds(60);
  /** Connections the OS queues before the server accepts them: 1,024. */
  public static final int DEFAULT_ACCEPT_BACKLOG = 1024;

  /** Close code for a connection that reached {@link #onOpen} without the adapter's handshake. */
  static final int UNSERVED_CLOSE_CODE = io.wsproxy.CloseCodes.INTERNAL_ERROR;
  static final String UNSERVED_REASON = "Not configured";

  private final WsEndpoint endpoint;
  private final Duration connectionLostTimeout;
  private final int acceptBacklog;
  private final Scheduler timer = new Scheduler("ws-proxy-jws-timer");
  private final ServerHandshakes handshakes;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<ScheduledFuture<?>> writeWakeups = new AtomicReference<>();

  /** An adapter for {@code endpoint} with the default connection-lost timeout and backlog. */
  public JavaWebSocketAdapter(WsEndpoint endpoint) {
    this(builder(endpoint));
  }

  private JavaWebSocketAdapter(Builder b) {
    this.endpoint = b.endpoint;
    this.connectionLostTimeout = b.connectionLostTimeout;
    this.acceptBacklog = b.acceptBacklog;
    this.handshakes = new ServerHandshakes(endpoint, timer);
  }

  /** A builder for an adapter serving {@code endpoint}. */
  public static Builder builder(WsEndpoint endpoint) {
    return new Builder(endpoint);
  }

  /** The endpoint this adapter serves. */
  public WsEndpoint endpoint() {
    return endpoint;
  }

  /**
   * The drafts to build the host's {@code WebSocketServer} with: RFC 6455 with frames and messages
   * limited to the endpoint's {@code maxFrameSize}. A new list each call.
   */
  public List<Draft> drafts() {
    return List.of(new LimitedDraft(endpoint.limits().maxFrameSize()));
  }

  /**
   * Applies the recommended socket settings to a server that has not started: TCP_NODELAY on,
   * SO_REUSEADDR on, the connection-lost timeout, and the accept backlog (used when the server binds
   * its own address). Also starts a sweep that repairs Java-WebSocket 1.6.0's lost write wakeups,
   * without which a frame sent from a worker thread can wait up to the connection-lost timeout
   * (see {@code WriteWakeups}); call it for every server the adapter serves.
   */
  public void configure(WebSocketServer server) {
    Objects.requireNonNull(server, "server");
    server.setTcpNoDelay(true);
    server.setReuseAddr(true);
    server.setConnectionLostTimeout((int) connectionLostTimeout.toSeconds());
    server.setMaxPendingConnections(acceptBacklog);
    ScheduledFuture<?> previous = writeWakeups.getAndSet(
        timer.every(WriteWakeups.INTERVAL, new WriteWakeups(server)));
    if (previous != null) {
      previous.cancel(false);
    }
  }

  /**
   * A connection factory for the host's server, to set before it starts:
   * {@code server.setWebSocketFactory(adapter.serverFactory(transport))}. {@code transport} wraps the
   * sockets as usual ({@code new DefaultWebSocketServerFactory()}, or
   * {@code new DefaultSSLWebSocketServerFactory(sslContext)} for TLS); the returned factory creates
   * the connections itself (with the server's drafts) and adds two guards: an upgrade request larger
   * than the endpoint's {@code maxHandshakeHeaderBytes} (plus room for the request line) gets 431, and
   * a client's end of stream is reported only once the frames received before it have reached the
   * endpoint. Closing the returned factory closes {@code transport}. A new factory each call.
   */
  public WebSocketServerFactory serverFactory(WebSocketServerFactory transport) {
    Objects.requireNonNull(transport, "transport");
    return GuardedFactory.wrapping(transport, endpoint.limits());
  }

  /**
   * Forward {@code WebSocketServer.onWebsocketHandshakeReceivedAsServer} here (and return the
   * result). Blocks until the endpoint decides, at most its handshake timeout plus 1 s.
   *
   * @throws InvalidDataException when the upgrade is refused with an HTTP status (already sent)
   */
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    Objects.requireNonNull(conn, "conn");
    Objects.requireNonNull(request, "request");
    return handshakes.handle(conn, draft, request);
  }

  /** Forward {@code WebSocketServer.onOpen} here: opens the endpoint for an accepted client. */
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    ServerConnection served = served(conn);
    if (served == null) {
      log.warn("a connection opened without the adapter's handshake; closing it with {}",
          UNSERVED_CLOSE_CODE);
      conn.close(UNSERVED_CLOSE_CODE, UNSERVED_REASON);
      return;
    }
    if (served.refusal() != null) {
      served.channel().close(served.refusal().closeCode(), served.refusal().reason());
      return;
    }
    served.channel().open(() -> endpoint.open(served.channel(), served.accept()));
  }

  /** Forward {@code WebSocketServer.onMessage(WebSocket, String)} here. */
  public void onMessage(WebSocket conn, String message) {
    ServerConnection served = served(conn);
    if (served != null) {
      served.channel().onText(message);
    }
  }

  /** Forward {@code WebSocketServer.onMessage(WebSocket, ByteBuffer)} here; the buffer is taken over. */
  public void onMessage(WebSocket conn, ByteBuffer message) {
    ServerConnection served = served(conn);
    if (served != null) {
      served.channel().onBinary(message);
    }
  }

  /** Forward {@code WebSocketServer.onClose} here. */
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    ServerConnection served = served(conn);
    if (served != null) {
      served.channel().onClose(code, reason, remote);
    }
  }

  /**
   * Optional: forward {@code WebSocketServer.onCloseInitiated} here. It tells a close Java-WebSocket
   * starts itself (an oversized or invalid frame) from one the client starts, which Java-WebSocket
   * otherwise reports as remote when the client's answer arrives before the server's close frame is
   * flushed.
   */
  public void onCloseInitiated(WebSocket conn, int code, String reason) {
    ServerConnection served = served(conn);
    if (served != null) {
      served.channel().onCloseInitiated();
    }
  }

  /** Forward {@code WebSocketServer.onError} here ({@code conn} is {@code null} for server errors). */
  public void onError(WebSocket conn, Exception error) {
    ServerConnection served = conn == null ? null : served(conn);
    if (served != null) {
      served.channel().onError(error);
    } else if (conn == null) {
      log.debug("server error", error);
    }
  }

  /**
   * Optional: forward {@code onWebsocketPing} here <em>after</em> calling {@code super} (which
   * answers the ping), so the endpoint can observe pings.
   */
  public void onWebsocketPing(WebSocket conn, Framedata ping) {
    ServerConnection served = served(conn);
    if (served != null) {
      served.channel().onControl(ping);
    }
  }

  /** Optional: forward {@code onWebsocketPong} here so the endpoint can observe pongs. */
  public void onWebsocketPong(WebSocket conn, Framedata pong) {
    ServerConnection served = served(conn);
    if (served != null) {
      served.channel().onControl(pong);
    }
  }

  /** Whether {@code conn} was accepted through this adapter (including close-code refusals). */
  public boolean serves(WebSocket conn) {
    return served(conn) != null;
  }

  /**
   * Stops the timer thread once close timeouts already running have fallen due (at most the
   * endpoint's close timeout). Call it after the host server stopped. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      timer.shutdownAfter(endpoint.limits().closeTimeout());
    }
  }

  /** Stops the timer thread now; for {@link ProxyServer}, which has cut every connection itself. */
  void closeNow() {
    closed.set(true);
    timer.shutdownNow();
  }

  private static ServerConnection served(WebSocket conn) {
    return conn.getAttachment() instanceof ServerConnection sc ? sc : null;
  }

  /** Configures a {@link JavaWebSocketAdapter}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final WsEndpoint endpoint;
    private Duration connectionLostTimeout = DEFAULT_CONNECTION_LOST_TIMEOUT;
    private int acceptBacklog = DEFAULT_ACCEPT_BACKLOG;

    private Builder(WsEndpoint endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * How long a connection may go without answering Java-WebSocket's pings before it is dropped
     * (whole seconds); {@link Duration#ZERO} turns the check off.
     */
    public Builder connectionLostTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "connectionLostTimeout");
      if (timeout.isNegative() || timeout.toSeconds() > Integer.MAX_VALUE
          || (!timeout.isZero() && timeout.toSeconds() == 0)) {
        throw new IllegalArgumentException(
            "connectionLostTimeout must be zero or 1 s .. " + Integer.MAX_VALUE + " s: " + timeout);
      }
      this.connectionLostTimeout = timeout;
      return this;
    }

    /** Connections the OS may queue before the server accepts them. */
    public Builder acceptBacklog(int connections) {
      if (connections <= 0) {
        throw new IllegalArgumentException("acceptBacklog must be positive: " + connections);
      }
      this.acceptBacklog = connections;
      return this;
    }

    public JavaWebSocketAdapter build() {
      return new JavaWebSocketAdapter(this);
    }

    Duration connectionLostTimeout() {
      return connectionLostTimeout;
    }

    int acceptBacklog() {
      return acceptBacklog;
    }
  }
}
