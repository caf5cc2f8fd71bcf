package io.wsproxy.javawebsocket;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.javawebsocket.internal.AdapterServer;
import io.wsproxy.javawebsocket.internal.FatalErrors;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ready WebSocket server (Java-WebSocket) serving one {@link io.wsproxy.spi.WsEndpoint}, for applications that do
 * not already run a server. It is a {@link JavaWebSocketAdapter} plus a {@code WebSocketServer} that
 * forwards every callback to it.
 *
 * <pre>{@code
 * try (WebSocketProxy proxy = WebSocketProxy.builder().route("/echo", "ws://127.0.0.1:9001").build();
 *      JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 8080), proxy)) {
 *   ... // clients connect to ws://127.0.0.1:8080/echo
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link #start} returns once the port is bound and the server runs; a busy
 * address fails at once with a {@link BindException} naming it. {@link #stop()} stops accepting,
 * closes every client with 1001 Going Away, cuts clients that do not answer within the endpoint's
 * close timeout, and returns once Java-WebSocket's threads (selector, workers) and the adapter's timer
 * have ended. The endpoint is not closed: the caller owns it.
 *
 * <p><b>Threads.</b> One selector thread, one worker thread per processor, a connection-lost checker
 * and the adapter's timer; non-daemon unless {@link Builder#daemon(boolean)} says otherwise.
 * Thread-safe.
 *
 * <p><b>Fatal errors.</b> An {@link OutOfMemoryError} or other {@link VirtualMachineError} in one of
 * the server's threads makes Java-WebSocket stop the server. It is then handed, once, to the
 * {@link Builder#fatalErrorHandler fatal-error handler}, on the thread that caught it. The default
 * logs one ERROR line, stops this server (on a new thread) and passes the error to the JVM's default
 * uncaught-exception handler if one is set, so a host that exits on fatal errors there (as the CLI
 * does) exits. A library does not end its host's process by default: see the embedding advice in
 * {@code docs/SECURITY.md}.
 */
public final class JavaWebSocketEndpointServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JavaWebSocketEndpointServer.class);

  /** Reason sent with 1001 Going Away to every client when the server stops. */
  public static final String SHUTDOWN_REASON = "Server shutting down";
  /** Longest {@link #start} waits for the selector thread to run once the port is bound: 10 s. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
  /** Time {@link #stop()} allows, on top of the close timeout, for threads to end: 2 s. */
  public static final Duration STOP_MARGIN = Duration.ofSeconds(2);

  private final WsEndpoint endpoint;
  private final JavaWebSocketAdapter adapter;
  private final ServerSocketChannel channel;
  private final AdapterServer server;
  private final InetSocketAddress address;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private JavaWebSocketEndpointServer(Builder b, ServerSocketChannel channel) throws IOException {
    this.endpoint = b.endpoint;
    this.channel = channel;
    this.address = (InetSocketAddress) channel.getLocalAddress();
    this.adapter = b.adapter.build();
    Consumer<? super Throwable> fatal = b.fatalErrorHandler != null ? b.fatalErrorHandler
        : this::defaultFatalError;
    this.server = new AdapterServer(channel, adapter, b.sslContext, new FatalErrors(fatal));
    server.setDaemon(b.daemon);
  }

  /** Starts a plain ({@code ws://}) server for {@code endpoint} on {@code address}. */
  public static JavaWebSocketEndpointServer start(InetSocketAddress address, WsEndpoint endpoint)
      throws IOException {
    return builder(address, endpoint).start();
  }

  /** A builder for a server on {@code address} (port 0 picks a free port) serving {@code endpoint}. */
  public static Builder builder(InetSocketAddress address, WsEndpoint endpoint) {
    return new Builder(address, endpoint);
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** The bound port. */
  public int port() {
    return address.getPort();
  }

  /** The endpoint served. */
  public WsEndpoint endpoint() {
    return endpoint;
  }

  /** The adapter between Java-WebSocket and the endpoint. */
  public JavaWebSocketAdapter adapter() {
    return adapter;
  }

  /** Number of open WebSocket connections. */
  public int connectionCount() {
    return server.getConnections().size();
  }

  /**
   * Stops the server: no new connections, 1001 Going Away to every client, clients that do not
   * answer within the close timeout are cut, and Java-WebSocket's threads are ended. Blocks for at
   * most the endpoint's close timeout plus {@link #STOP_MARGIN}. Idempotent. Do not call it from a
   * listener (a Java-WebSocket thread): it waits for those threads.
   */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime()
        + endpoint.limits().closeTimeout().plus(STOP_MARGIN).toNanos();
    try {
      closeQuietly(); // stop accepting first
      adapter.closeUnanswered(); // held upgrades: abandoned, their dials cancelled
      for (WebSocket conn : server.getConnections()) {
        conn.close(CloseCodes.GOING_AWAY, SHUTDOWN_REASON);
      }
      long graceEnd = deadline - STOP_MARGIN.toNanos();
      if (!server.awaitNoConnections(graceEnd)) {
        for (WebSocket conn : server.getConnections()) {
          ((WebSocketImpl) conn).closeConnection(CloseFrame.ABNORMAL_CLOSE, SHUTDOWN_REASON);
        }
      }
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      server.stop((int) Math.min(left, Integer.MAX_VALUE), SHUTDOWN_REASON);
      server.awaitWorkers(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while stopping {}", address);
    } finally {
      adapter.closeNow();
      server.closeAcceptGuard();
    }
  }

  /** Log, stop (not on the failing thread: stop waits for it), and tell the JVM's handler. */
  private void defaultFatalError(Throwable error) {
    try {
      log.error("fatal error in the WebSocket server on {} ({}); stopping it", address, error);
    } finally {
      Thread stopper = new Thread(this::stop, "ws-proxy-jws-fatal-stop");
      stopper.setDaemon(true);
      stopper.start();
      Thread.UncaughtExceptionHandler jvm = Thread.getDefaultUncaughtExceptionHandler();
      if (jvm != null) {
        jvm.uncaughtException(Thread.currentThread(), error);
      }
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private void closeQuietly() {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing the listening channel of {} failed", address, e);
    }
  }

  @Override
  public String toString() {
    return "JavaWebSocketEndpointServer{" + address + "}";
  }

  /** Configures and starts a {@link JavaWebSocketEndpointServer}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private final InetSocketAddress bindAddress;
    private final WsEndpoint endpoint;
    private final JavaWebSocketAdapter.Builder adapter;
    private SSLContext sslContext;
    private boolean daemon;
    private Consumer<? super Throwable> fatalErrorHandler; // null: the default

    private Builder(InetSocketAddress address, WsEndpoint endpoint) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      this.adapter = JavaWebSocketAdapter.builder(endpoint);
    }

    /** Serves {@code wss://} with this context's key material; plain {@code ws://} by default. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /** Whether the server's threads are daemon threads; {@code false} by default. */
    public Builder daemon(boolean daemon) {
      this.daemon = daemon;
      return this;
    }

    /**
     * Who hears an {@link OutOfMemoryError} or other {@link VirtualMachineError} one of the server's
     * threads caught (once, on that thread; keep it short and do not block). The default logs one
     * ERROR line, stops the server and passes the error to the JVM's default uncaught-exception
     * handler if one is set. A standalone process should end itself here, e.g.
     * {@code error -> Runtime.getRuntime().halt(70)}, so that its supervisor restarts it.
     */
    public Builder fatalErrorHandler(Consumer<? super Throwable> handler) {
      this.fatalErrorHandler = Objects.requireNonNull(handler, "fatalErrorHandler");
      return this;
    }

    /** See {@link JavaWebSocketAdapter.Builder#connectionLostTimeout}. */
    public Builder connectionLostTimeout(Duration timeout) {
      adapter.connectionLostTimeout(timeout);
      return this;
    }

    /** See {@link JavaWebSocketAdapter.Builder#acceptBacklog}. */
    public Builder acceptBacklog(int connections) {
      adapter.acceptBacklog(connections);
      return this;
    }

    /**
     * Binds the address and starts the server; returns once it accepts connections.
     *
     * @throws BindException when the address is in use or cannot be bound (the message names it)
     * @throws IOException   when the server fails to start
     */
    public JavaWebSocketEndpointServer start() throws IOException {
      ServerSocketChannel channel = bind();
      JavaWebSocketEndpointServer ps;
      try {
        ps = new JavaWebSocketEndpointServer(this, channel);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      ps.server.start();
      try {
        ps.server.started().get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        ps.stop();
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw new IOException("WebSocket server on " + ps.address + " failed to start", cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ps.stop();
        throw new IOException("interrupted while starting the server on " + ps.address, e);
      }
      log.info("serving WebSocket connections on {}", ps.address);
      return ps;
    }

    private ServerSocketChannel bind() throws IOException {
      ServerSocketChannel channel = ServerSocketChannel.open();
      try {
        channel.socket().setReuseAddress(true);
        channel.bind(bindAddress, adapter.acceptBacklog());
        return channel;
      } catch (IOException e) {
        channel.close();
        BindException be = new BindException("cannot bind " + bindAddress + ": " + e.getMessage());
        be.initCause(e);
        throw be;
      }
    }
  }
}
