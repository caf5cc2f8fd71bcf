package io.wsproxy.javawebsocket;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * A "counting backend" for end-to-end tests: a Java-WebSocket server on 127.0.0.1, port 0, that
 * counts every TCP connection it accepts (so a test can prove a refused handshake never dialled
 * it), records each upgrade request (target and headers) and each close (with the code of the
 * close frame, see {@link #onClosing}), selects subprotocol {@value #SUBPROTOCOL} when offered,
 * and answers every text message with {@code "<name>:<message>"}, so a client can tell which
 * backend served it.
 *
 * <p>Thread-safe: Java-WebSocket's threads fill the queues and counters, tests read them.
 */
final class E2eBackend extends WebSocketServer implements AutoCloseable {

  private static final long WAIT_SECONDS = JdkClient.TIMEOUT.toSeconds();
  /** Java-WebSocket's stop waits this long for the proxy to answer its close frames. */
  private static final int STOP_TIMEOUT_MILLIS = 2_000;

  /** The one subprotocol the backend selects when offered; it accepts none as well. */
  static final String SUBPROTOCOL = "chat";

  /** One upgrade request as the backend received it. */
  record Seen(String target, Map<String, String> headers) {

    /** A header's value (Java-WebSocket joins repeated fields with {@code "; "}), or null. */
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  final String name;
  final BlockingQueue<Seen> handshakes = new LinkedBlockingQueue<>();
  final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  final BlockingQueue<CloseEvent> closes = new LinkedBlockingQueue<>();
  final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
  private final Map<WebSocket, CloseEvent> closing = new ConcurrentHashMap<>();
  private final AtomicInteger tcpConnections = new AtomicInteger();
  private final CountDownLatch started = new CountDownLatch(1);

  private E2eBackend(String name) {
    super(new InetSocketAddress("127.0.0.1", 0), 1, List.<Draft>of(new Draft_6455(List.of(),
        List.<IProtocol>of(new Protocol(SUBPROTOCOL), new Protocol("")))));
    this.name = name;
    setDaemon(true);
    setConnectionLostTimeout(0);
    setReuseAddr(true);
  }

  /** Starts a backend and returns once it listens. */
  static E2eBackend start(String name) throws InterruptedException {
    E2eBackend backend = new E2eBackend(name);
    backend.start();
    if (!backend.started.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("backend " + name + " did not start");
    }
    return backend;
  }

  /** The backend's address as a {@code ws://} URI with {@code path}. */
  String url(String path) {
    return "ws://127.0.0.1:" + getPort() + path;
  }

  /** TCP connections accepted so far: every dial counts, even one that never upgrades. */
  int tcpConnections() {
    return tcpConnections.get();
  }

  /** The next upgrade request, waiting at most the test timeout. */
  Seen nextHandshake() throws InterruptedException {
    Seen seen = handshakes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (seen == null) {
      throw new AssertionError("backend " + name + " received no upgrade request");
    }
    return seen;
  }

  /** The next close of one of its connections, waiting at most the test timeout. */
  CloseEvent nextClose() throws InterruptedException {
    CloseEvent close = closes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (close == null) {
      throw new AssertionError("no connection of backend " + name + " closed");
    }
    return close;
  }

  /** The next connection to open, waiting at most the test timeout. */
  WebSocket nextOpened() throws InterruptedException {
    WebSocket ws = opened.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (ws == null) {
      throw new AssertionError("no connection to backend " + name + " opened");
    }
    return ws;
  }

  @Override
  protected boolean onConnect(SelectionKey key) {
    tcpConnections.incrementAndGet();
    return true;
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    Map<String, String> headers = new TreeMap<>();
    for (Iterator<String> it = request.iterateHttpFields(); it.hasNext(); ) {
      String field = it.next();
      headers.put(field.toLowerCase(Locale.ROOT), request.getFieldValue(field));
    }
    handshakes.add(new Seen(request.getResourceDescriptor(), Map.copyOf(headers)));
    return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    opened.add(conn);
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    texts.add(message);
    conn.send(name + ":" + message);
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    conn.send(message);
  }

  /**
   * Notes the close frame a peer sent (or this side's own close). Java-WebSocket answers a peer's
   * close frame before it marks the connection as closing, so when the peer then drops the TCP
   * connection at once, {@link #onClose} can report 1006 for a clean close; this is the real code.
   */
  @Override
  public void onClosing(WebSocket conn, int code, String reason, boolean remote) {
    closing.putIfAbsent(conn, new CloseEvent(code, reason, remote));
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    CloseEvent handshake = closing.remove(conn);
    closes.add(handshake != null ? handshake : new CloseEvent(code, reason, remote));
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    // a refused or dropped proxy connection; its close is recorded by onClose
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void close() throws InterruptedException {
    stop(STOP_TIMEOUT_MILLIS);
  }
}
