package io.wsproxy.javawebsocket;

import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Rejection;
import io.wsproxy.javawebsocket.internal.GuardedConnection;
import io.wsproxy.javawebsocket.internal.GuardedFactory;
import io.wsproxy.javawebsocket.internal.JavaWebSocketChannel;
import io.wsproxy.javawebsocket.internal.ServerHandshakes;
import io.wsproxy.javawebsocket.internal.StrictDraft;
import io.wsproxy.javawebsocket.internal.Timer;
import io.wsproxy.javawebsocket.internal.workarounds.LingeringClose;
import io.wsproxy.javawebsocket.internal.workarounds.LostWriteWakeupSweep;
import io.wsproxy.spi.WsEndpoint;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link WsEndpoint} (a {@code WebSocketProxy}, a {@code Gateway}) from a host's own
 * Java-WebSocket {@link WebSocketServer}. The adapter holds no proxy logic: it turns Java-WebSocket's
 * callbacks into the endpoint's handshake, channel and listener calls.
 *
 * <pre>{@code
 * JavaWebSocketAdapter adapter = new JavaWebSocketAdapter(proxy);
 * WebSocketServer server = new WebSocketServer(new InetSocketAddress(8080)) {
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
 * adapter.install(server); // before start(); over TLS: install(server, new DefaultSSLWebSocketServerFactory(ctx))
 * server.start();
 * // on shutdown: server.stop(timeoutMillis); adapter.close();
 * }</pre>
 *
 * <p><b>Install.</b> {@link #install} is the one setup step: it gives the server the adapter's
 * connection factory (its drafts, whatever the server was built with; the held handshake; the
 * end-of-stream guard), the socket settings, and the lost-write-wakeup sweep. Every workaround for
 * Java-WebSocket 1.6.0 lives in {@code io.wsproxy.javawebsocket.internal.workarounds}, one class per
 * defect. Forgetting {@code install} (or replacing the factory afterwards) is not silent: every
 * upgrade of that server gets 500 and an error is logged once.
 *
 * <p><b>Handshake (connect-first).</b> No thread waits for the endpoint. The adapter's connections
 * read and check the upgrade request themselves (malformed: 400, 405, 426 with
 * {@code Sec-WebSocket-Version: 13}; larger than {@code maxHandshakeHeaderBytes}: 431), call
 * {@code endpoint.handshake}, and hold the connection's bytes until the decision completes (for a
 * proxy: until the upstream answered). Only then does Java-WebSocket see the request and call the
 * handshake hook, which finds the decision ready. Accepted: 101 with the upstream's subprotocol, or
 * none. Refused in {@link io.wsproxy.RejectionMode#HTTP_STATUS} mode: the rejection's HTTP status
 * (401, 403, 502, 504, the upstream's 4xx...) with the reason as a {@code text/plain} body and
 * {@code Connection: close}; the host sees no {@code onOpen} or {@code onClose}. Refused in
 * {@code CLOSE_CODE} mode: the upgrade completes and the connection is closed at once with the
 * rejection's close code. An endpoint that has not decided within {@code limits().handshakeTimeout()}
 * plus 1 s is refused with 503 / 1013. A client that leaves while held abandons the handshake (which
 * cancels the upstream dial); bytes it sends meanwhile are bounded (64 KiB beyond the request: 400).
 *
 * <p><b>Framing.</b> Frames over {@code maxFrameSize} and messages over {@code maxMessageSize} close
 * the client with 1009; an unmasked client frame or other protocol error with 1002; invalid UTF-8
 * (in a text message or a close reason) with 1007; each logged once at DEBUG, never as an ERROR.
 * Responses never carry a {@code Server} header. A connection the server closes goes on being read
 * (and what arrives dropped) after its close frame, until the client ends its side or for at most
 * {@link io.wsproxy.javawebsocket.internal.workarounds.LingeringClose#LINGER 2 s}, so that a client
 * still sending gets the close code rather than a TCP reset.
 *
 * <p><b>Ownership.</b> Connections of an installed server are the adapter's: every {@code on*} method
 * ignores a connection the adapter does not serve, except that {@link #onOpen} closes one that
 * reached it without the adapter's handshake (1011), since nothing would serve it.
 *
 * <p><b>Threading.</b> Thread-safe; one adapter may serve several servers. Listener events run on
 * Java-WebSocket's threads, one at a time per connection; {@code onWritable} and close timeouts on the
 * adapter's one daemon timer thread (started on first use; it also reads closed connections that
 * linger), which {@link #close()} stops.
 */
public final class JavaWebSocketAdapter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JavaWebSocketAdapter.class);

  /** How long a connection may go without answering Java-WebSocket's pings: 60 s (its default). */
  public static final Duration DEFAULT_CONNECTION_LOST_TIMEOUT = Duration.ofSeconds(60);
  /** Connections the OS queues before the server accepts them: 1,024. */
  public static final int DEFAULT_ACCEPT_BACKLOG = 1024;

  /** Close code for a connection that reached {@link #onOpen} without the adapter's handshake. */
  static final int UNSERVED_CLOSE_CODE = CloseCodes.INTERNAL_ERROR;
  static final String UNSERVED_REASON = "Not configured";

  private final WsEndpoint endpoint;
  private final Duration connectionLostTimeout;
  private final int acceptBacklog;
  private final Timer timer = new Timer("ws-proxy-jws-timer");
  private final LingeringClose lingering = new LingeringClose(timer);
  private final ServerHandshakes handshakes;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean warnedHookMissing = new AtomicBoolean();

  /** An adapter for {@code endpoint} with the default connection-lost timeout and backlog. */
  public JavaWebSocketAdapter(WsEndpoint endpoint) {
    this(builder(endpoint));
  }

  private JavaWebSocketAdapter(Builder b) {
    this.endpoint = b.endpoint;
    this.connectionLostTimeout = b.connectionLostTimeout;
    this.acceptBacklog = b.acceptBacklog;
    this.handshakes = new ServerHandshakes(endpoint, timer, b.hostServes);
  }

  /** A builder for an adapter serving {@code endpoint}. */
  public static Builder builder(WsEndpoint endpoint) {
    return new Builder(endpoint);
  }

  /** The endpoint this adapter serves. */
  public WsEndpoint endpoint() {
    return endpoint;
  }

  /** {@link #install(WebSocketServer, WebSocketServerFactory)} for plain {@code ws://}. */
  public void install(WebSocketServer server) {
    install(server, new DefaultWebSocketServerFactory());
  }

  /**
   * Prepares a server that has not started to be served by this adapter; call it once per server,
   * before {@code server.start()}, and do not call {@code setWebSocketFactory} afterwards. It sets
   * the server's connection factory (wrapping {@code transport}, which wraps the sockets:
   * {@code new DefaultWebSocketServerFactory()}, or {@code new DefaultSSLWebSocketServerFactory(ctx)}
   * for TLS; closing the server closes it), TCP_NODELAY and SO_REUSEADDR on, the connection-lost
   * timeout and accept backlog of the builder, and starts the sweep that repairs Java-WebSocket's lost
   * write wakeups for this server.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public void install(WebSocketServer server, WebSocketServerFactory transport) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(transport, "transport");
    if (closed.get()) {
      throw new IllegalStateException("the adapter is closed; build a new one for this server");
    }
    List<Draft> drafts = List.of(new StrictDraft(endpoint.limits().maxFrameSize(),
        endpoint.limits().maxMessageSize()));
    server.setWebSocketFactory(GuardedFactory.forAdapter(transport, drafts, handshakes, lingering));
    server.setTcpNoDelay(true);
    server.setReuseAddr(true);
    server.setConnectionLostTimeout((int) connectionLostTimeout.toSeconds());
    server.setMaxPendingConnections(acceptBacklog);
    timer.every(LostWriteWakeupSweep.INTERVAL, new LostWriteWakeupSweep(server));
  }

  /**
   * Forward {@code WebSocketServer.onWebsocketHandshakeReceivedAsServer} here (and return the
   * result). Never waits: on an installed server the decision is ready when Java-WebSocket calls it.
   *
   * @throws InvalidDataException when the server was not installed (500 already sent)
   */
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    Objects.requireNonNull(conn, "conn");
    return handshakes.answer(conn);
  }

  /** Forward {@code WebSocketServer.onOpen} here: opens the endpoint for an accepted client. */
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    if (!(conn instanceof GuardedConnection gc) || !gc.holdsHandshakes()) {
      handshakes.notInstalled();
      conn.close(UNSERVED_CLOSE_CODE, UNSERVED_REASON);
      return;
    }
    JavaWebSocketChannel ch = gc.channel();
    HandshakeDecision decision = gc.decision();
    if (ch == null || decision == null) {
      if (warnedHookMissing.compareAndSet(false, true)) {
        log.error("the WebSocketServer does not forward onWebsocketHandshakeReceivedAsServer to "
            + "the adapter; closing its connections with {}", UNSERVED_CLOSE_CODE);
      }
      gc.abandon();
      conn.close(UNSERVED_CLOSE_CODE, UNSERVED_REASON);
      return;
    }
    if (decision instanceof Rejection r) { // close-code mode
      ch.close(r.closeCode(), r.reason());
      gc.abandon();
      return;
    }
    ch.open(() -> gc.open(ch));
  }

  /** Forward {@code WebSocketServer.onMessage(WebSocket, String)} here. */
  public void onMessage(WebSocket conn, String message) {
    JavaWebSocketChannel served = served(conn);
    if (served != null) {
      served.onText(message);
    }
  }

  /** Forward {@code WebSocketServer.onMessage(WebSocket, ByteBuffer)} here; the buffer is taken over. */
  public void onMessage(WebSocket conn, ByteBuffer message) {
    JavaWebSocketChannel served = served(conn);
    if (served != null) {
      served.onBinary(message);
    }
  }

  /** Forward {@code WebSocketServer.onClose} here. */
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    JavaWebSocketChannel served = served(conn);
    if (served != null) {
      served.onClose(code, reason, remote);
    }
  }

  /**
   * Optional: forward {@code WebSocketServer.onCloseInitiated} here. It tells a close Java-WebSocket
   * starts itself (an oversized or invalid frame) from one the client starts, which Java-WebSocket
   * otherwise reports as remote when the client's answer arrives before the server's close frame is
   * flushed.
   */
  public void onCloseInitiated(WebSocket conn, int code, String reason) {
    JavaWebSocketChannel served = served(conn);
    if (served != null) {
      served.onCloseInitiated();
    }
  }

  /** Forward {@code WebSocketServer.onError} here ({@code conn} is {@code null} for server errors). */
  public void onError(WebSocket conn, Exception error) {
    JavaWebSocketChannel served = conn == null ? null : served(conn);
    if (served != null) {
      served.onError(error);
    } else if (conn == null) {
      log.debug("server error: {}", error.toString());
    }
  }

  /**
   * Optional: forward {@code onWebsocketPing} here <em>after</em> calling {@code super} (which
   * answers the ping), so the endpoint can observe pings.
   */
  public void onWebsocketPing(WebSocket conn, Framedata ping) {
    JavaWebSocketChannel served = served(conn);
    if (served != null) {
      served.onControl(ping);
    }
  }

  /**
   * Not needed any more: the adapter's draft reports every pong of the connections it serves
   * itself (the proxy's keepalive relies on them), so a host need not forward
   * {@code onWebsocketPong}. Kept so hosts that forward it still compile; does nothing.
   */
  public void onWebsocketPong(WebSocket conn, Framedata pong) {
    // reported by StrictDraft.processFrame
  }

  /** Whether {@code conn} was upgraded through this adapter (including close-code refusals). */
  public boolean serves(WebSocket conn) {
    return served(conn) != null;
  }

  /**
   * Closes the connections whose upgrade is still held (their handshakes are abandoned, which
   * cancels their upstream dials), and stops the timer thread (and so the sweeps) once close
   * timeouts already running have fallen due (at most the endpoint's close timeout). Call it after
   * the host server stopped. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      handshakes.closeUnanswered(JavaWebSocketEndpointServer.SHUTDOWN_REASON);
      timer.shutdownAfter(endpoint.limits().closeTimeout());
    }
  }

  /**
   * Closes the connections whose upgrade is still held (abandoning their handshakes): Java-WebSocket's
   * {@code stop} closes only open connections.
   */
  void closeUnanswered() {
    handshakes.closeUnanswered(JavaWebSocketEndpointServer.SHUTDOWN_REASON);
  }

  /** Stops the timer thread now; for {@link JavaWebSocketEndpointServer}, which has cut every connection itself. */
  void closeNow() {
    closed.set(true);
    closeUnanswered();
    timer.shutdownNow();
    lingering.shutdown(); // no timer left to poll them
  }

  /** The channel of a connection this adapter serves (past its 101), or {@code null}. */
  private static JavaWebSocketChannel served(WebSocket conn) {
    return conn instanceof GuardedConnection gc ? gc.channel() : null;
  }

  /** Configures a {@link JavaWebSocketAdapter}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final WsEndpoint endpoint;
    private Duration connectionLostTimeout = DEFAULT_CONNECTION_LOST_TIMEOUT;
    private int acceptBacklog = DEFAULT_ACCEPT_BACKLOG;
    private Predicate<String> hostServes = target -> false;

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

    /**
     * Upgrade requests the host's server answers itself, by request target (path and query as sent,
     * e.g. {@code /app?x=1}): the adapter checks their framing like any other, then hands them to
     * Java-WebSocket as they are, so the host's {@code onWebsocketHandshakeReceivedAsServer} must
     * answer them itself (e.g. with {@code super}), and {@link JavaWebSocketAdapter#serves} is
     * {@code false} for them. Called on a worker thread; must be fast. Default: none.
     */
    public Builder hostServes(Predicate<String> requestTarget) {
      this.hostServes = Objects.requireNonNull(requestTarget, "hostServes");
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
