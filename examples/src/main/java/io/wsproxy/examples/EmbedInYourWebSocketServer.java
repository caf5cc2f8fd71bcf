package io.wsproxy.examples;

import io.wsproxy.WebSocketProxy;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.javawebsocket.JavaWebSocketAdapter;
import io.wsproxy.javawebsocket.JavaWebSocketEndpointServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * Adds the proxy to a Java-WebSocket server you already run. The server keeps serving its own path
 * ({@value #APP_PATH}, here a greeting echo) and hands every other upgrade to a
 * {@link WebSocketProxy} through a {@link JavaWebSocketAdapter}: the whole integration is the
 * handful of {@code proxy.*} calls in the callbacks below.
 *
 * <ul>
 *   <li>Call {@link JavaWebSocketAdapter#install} once, before {@code start()}: it is the whole
 *       setup (bounded drafts, the connection factory that holds handshakes while the proxy dials
 *       the upstream, socket options, the Java-WebSocket workarounds). The adapter refuses to serve
 *       a server it was not installed on, with 500 and an error in the log.</li>
 *   <li>Tell the adapter which paths are yours ({@code hostServes}): those upgrades go to
 *       Java-WebSocket untouched. In {@code onWebsocketHandshakeReceivedAsServer} send them to
 *       {@code super} (Java-WebSocket's default accept), the rest to the adapter, which by then has
 *       the proxy's answer ready (origin, auth, route, and the upstream's own 101).</li>
 *   <li>In the other callbacks, {@link JavaWebSocketAdapter#serves} tells the proxy's connections
 *       from yours. The adapter ignores connections it did not accept, except in {@code onOpen}
 *       (it closes those, since nothing would serve them), so {@code onOpen} must ask first.</li>
 * </ul>
 * To proxy only a prefix instead (say {@code /proxy/}), turn the test around: send the prefix to the
 * adapter and everything else to {@code super}.
 *
 * <p>Run it: {@code java -cp ws-proxy.jar io.wsproxy.examples.EmbedInYourWebSocketServer [PORT]},
 * then connect to {@code ws://127.0.0.1:PORT/app} (served by this server) and
 * {@code ws://127.0.0.1:PORT/echo} (proxied to an echo backend).
 *
 * <p><b>Threading.</b> Java-WebSocket calls back on its selector and worker threads; the adapter is
 * thread-safe and never blocks them: a handshake waiting for auth or the upstream holds no thread.
 */
public final class EmbedInYourWebSocketServer extends WebSocketServer implements AutoCloseable {

  /** The path this server serves itself; every other path goes to the proxy. */
  public static final String APP_PATH = "/app";
  /** What this server puts before the text it echoes on {@value #APP_PATH}. */
  public static final String APP_REPLY_PREFIX = "app says: ";
  /** How long {@link #start} waits for the server to bind: 10 s. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  /** How long {@link #close} waits for clients to answer 1001 Going Away: 5 s. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private final JavaWebSocketAdapter proxy;
  private final CompletableFuture<Void> started = new CompletableFuture<>();

  private EmbedInYourWebSocketServer(InetSocketAddress address, JavaWebSocketAdapter proxy) {
    super(address);
    this.proxy = proxy;
    proxy.install(this); // the one setup step, before start()
  }

  // ---- the delegation -------------------------------------------------------------------------

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    return isAppPath(request.getResourceDescriptor())
        ? super.onWebsocketHandshakeReceivedAsServer(conn, draft, request) // ours: accept
        : proxy.onWebsocketHandshakeReceivedAsServer(conn, draft, request); // the proxy decides
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    if (proxy.serves(conn)) {
      proxy.onOpen(conn, handshake);
    } else {
      conn.send("welcome to " + APP_PATH);
    }
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    if (proxy.serves(conn)) {
      proxy.onMessage(conn, message);
    } else {
      conn.send(APP_REPLY_PREFIX + message);
    }
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    proxy.onMessage(conn, message); // ignored for our own connections
  }

  @Override
  public void onCloseInitiated(WebSocket conn, int code, String reason) {
    proxy.onCloseInitiated(conn, code, reason);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    proxy.onClose(conn, code, reason, remote);
  }

  @Override
  public void onError(WebSocket conn, Exception error) {
    proxy.onError(conn, error);
    if (conn == null) {
      started.completeExceptionally(error); // the server could not start (e.g. port in use)
    }
  }

  // ---- the host's own code --------------------------------------------------------------------

  @Override
  public void onStart() {
    started.complete(null);
  }

  /** Whether a request target ({@code /app/x?y}) is under {@value #APP_PATH}. */
  static boolean isAppPath(String resourceDescriptor) {
    int query = resourceDescriptor.indexOf('?');
    String path = query < 0 ? resourceDescriptor : resourceDescriptor.substring(0, query);
    return path.equals(APP_PATH) || path.startsWith(APP_PATH + "/");
  }

  /**
   * Starts the server on {@code address} (port 0 picks one), serving {@value #APP_PATH} itself and
   * everything else through {@code proxy}; returns once it accepts connections. The caller keeps
   * owning {@code proxy}.
   *
   * @throws IOException when the server cannot bind or start
   */
  public static EmbedInYourWebSocketServer start(InetSocketAddress address, WsEndpoint proxy)
      throws IOException, InterruptedException {
    JavaWebSocketAdapter adapter = JavaWebSocketAdapter.builder(proxy)
        .hostServes(EmbedInYourWebSocketServer::isAppPath) // ours: not held for the proxy
        .build();
    EmbedInYourWebSocketServer server = new EmbedInYourWebSocketServer(address, adapter);
    server.start();
    try {
      server.started.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return server;
    } catch (ExecutionException | TimeoutException e) {
      server.close();
      throw new IOException("cannot start a server on " + address, e.getCause());
    }
  }

  /** Stops accepting, closes every client (ours and proxied) with 1001, then the adapter's timer. */
  @Override
  public void close() {
    try {
      stop((int) STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      proxy.close();
    }
  }

  /** Runs the example: an echo backend, a proxy routing {@code /echo} to it, and this server. */
  public static void main(String[] args) throws Exception {
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    JavaWebSocketEndpointServer backend = JavaWebSocketEndpointServer.start(loopback, new EchoEndpoint()); // your upstream
    WebSocketProxy webSocketProxy = WebSocketProxy.builder()
        .route("/echo", "ws://127.0.0.1:" + backend.port())
        .build();
    EmbedInYourWebSocketServer server = start(Examples.loopback(args), webSocketProxy);
    String base = "ws://127.0.0.1:" + server.getPort();
    System.out.println("host server: " + base + APP_PATH + "   (served by the host itself)");
    System.out.println("proxied:     " + base + "/echo  -> ws://127.0.0.1:" + backend.port());
    System.out.println("any other path is refused by the proxy with 404. Ctrl-C to stop.");
    Examples.runUntilStopped(() -> {
      server.close();
      webSocketProxy.close();
      backend.close();
    });
  }
}
