package io.wsproxy.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.server.WebSocketServer;

/**
 * The upstream WebSocket server of the conformance kit: a Java-WebSocket server on 127.0.0.1, port 0,
 * that echoes every message (unless told not to), can hold upgrade requests until the test releases
 * them, and records what each connection got: headers, path and query, subprotocols, messages, pongs
 * and the close code.
 *
 * <p><b>Threading.</b> Java-WebSocket calls back on its selector and worker threads; everything the
 * tests read is in thread-safe queues and futures. {@link #close()} releases held handshakes and stops
 * the server's threads.
 */
public final class UpstreamPeer implements AutoCloseable {

  private PeerWakeups wakeups; // set once started

  /** How long a held upgrade waits for {@link #releaseHandshakes()} at most. */
  static final Duration MAX_HANDSHAKE_HOLD = Duration.ofSeconds(30);
  /** How long {@link #close()} waits for the selector thread. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  /** One upstream connection as this server saw it. */
  public static final class Conn {
    private final WebSocket ws;
    private final String resource;
    private final Map<String, String> headers; // lower-case names
    private final String protocol;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>(); // String or byte[]
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();

    Conn(WebSocket ws, ClientHandshake handshake) {
      this.ws = ws;
      this.resource = handshake.getResourceDescriptor();
      Map<String, String> h = new TreeMap<>();
      handshake.iterateHttpFields().forEachRemaining(
          name -> h.put(name.toLowerCase(Locale.ROOT), handshake.getFieldValue(name)));
      this.headers = Collections.unmodifiableMap(h);
      IProtocol p = ws.getProtocol();
      this.protocol = p == null || p.getProvidedProtocol().isEmpty() ? null : p.getProvidedProtocol();
    }

    /** Bytes this upstream has queued toward the proxy and not yet written to its socket. */
    public long bufferedBytes() {
      long n = 0;
      for (ByteBuffer b : ((org.java_websocket.WebSocketImpl) ws).outQueue) {
        n += b.remaining();
      }
      return n;
    }

    /** The request target: path and raw query. */
    public String resource() {
      return resource;
    }

    /** A request header's value (as Java-WebSocket joined it), or {@code null}. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The subprotocols the proxy offered, in order: the {@code Sec-WebSocket-Protocol} values split
     * at commas (and at the {@code "; "} Java-WebSocket joins repeated header lines with); empty
     * when it offered none.
     */
    public List<String> offeredProtocols() {
      String offer = header("Sec-WebSocket-Protocol");
      if (offer == null || offer.isBlank()) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (String p : offer.split("[,;]")) {
        out.add(p.trim());
      }
      return out;
    }

    /** Every request header as this server saw it (lower-case names). */
    public Map<String, String> headers() {
      return headers;
    }

    /** The subprotocol this server selected, or {@code null}. */
    public String protocol() {
      return protocol;
    }

    public void send(String text) {
      ws.send(text);
    }

    public void send(byte[] data) {
      ws.send(data);
    }

    /** Sends one message as several frames, one per part. */
    public void sendFragmented(Opcode opcode, List<byte[]> parts) {
      for (int i = 0; i < parts.size(); i++) {
        ws.sendFragmentedFrame(opcode, ByteBuffer.wrap(parts.get(i)), i == parts.size() - 1);
      }
    }

    public void ping(byte[] data) {
      PingFrame ping = new PingFrame();
      ping.setPayload(ByteBuffer.wrap(data));
      ws.sendFrame(ping);
    }

    public void close(int code, String reason) {
      ws.close(code, reason);
    }

    /**
     * Cuts the TCP connection without a close frame. The FIN is sent at once: Java-WebSocket's own
     * close of a channel registered with its selector waits for the selector's next wake-up.
     */
    public void drop() throws IOException {
      // the key's channel is the socket even when a connection factory wrapped it
      if (((WebSocketImpl) ws).getSelectionKey().channel() instanceof SocketChannel socket) {
        socket.shutdownOutput();
      }
      ws.closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped by test");
    }

    /** The next message received (String or byte[]), waiting at most {@code timeout}. */
    public Object next(Duration timeout) throws InterruptedException {
      return Awaits.next(received, timeout, "upstream received no message");
    }

    /** The next pong's payload, waiting at most {@code timeout}. */
    public byte[] nextPong(Duration timeout) throws InterruptedException {
      return Awaits.next(pongs, timeout, "upstream received no pong");
    }

    /** Whether no message has arrived (or all were taken with {@link #next}). */
    public boolean receivedNothing() {
      return received.isEmpty();
    }

    /** The close, waiting at most {@code timeout}. */
    public Close awaitClose(Duration timeout) throws Exception {
      return Awaits.get(closed, timeout, "upstream connection not closed");
    }
  }

  private final Server server;
  private final BlockingQueue<Conn> opened = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> handshakes = new LinkedBlockingQueue<>();
  private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
  private volatile CountDownLatch handshakeGate; // null: answer upgrades at once
  private volatile Duration handshakeDelay; // null: no delay
  private final CountDownLatch stopping = new CountDownLatch(1); // ends delays at close()
  private volatile boolean echo = true;

  private UpstreamPeer(List<String> protocols, boolean acceptNoProtocol) {
    List<IProtocol> known = new ArrayList<>();
    protocols.forEach(p -> known.add(new Protocol(p)));
    if (acceptNoProtocol) {
      known.add(new Protocol("")); // matches any request, so it must come last
    }
    Draft draft = new Draft_6455(Collections.emptyList(), known);
    this.server = new Server(List.of(draft));
  }

  /** An echo server that selects no subprotocol. */
  public static UpstreamPeer start() throws Exception {
    return start(List.of(), true);
  }

  /**
   * An echo server that selects no subprotocol, with {@code factory} as its Java-WebSocket connection
   * factory ({@code null}: Java-WebSocket's default).
   */
  public static UpstreamPeer start(WebSocketServerFactory factory) throws Exception {
    return start(List.of(), true, factory);
  }

  /**
   * A server that selects the first of {@code protocols} a client offers; if {@code acceptNoProtocol}
   * it also accepts clients that offer none of them (selecting none).
   */
  public static UpstreamPeer start(List<String> protocols, boolean acceptNoProtocol)
      throws Exception {
    return start(protocols, acceptNoProtocol, null);
  }

  /** As {@link #start(List, boolean)}, with {@code factory} ({@code null}: the default). */
  public static UpstreamPeer start(List<String> protocols, boolean acceptNoProtocol,
      WebSocketServerFactory factory) throws Exception {
    UpstreamPeer peer = new UpstreamPeer(protocols, acceptNoProtocol);
    if (factory != null) {
      peer.server.setWebSocketFactory(factory);
    }
    peer.server.setReuseAddr(true);
    peer.server.start();
    peer.wakeups = PeerWakeups.repair(peer.server);
    try {
      peer.server.started.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      peer.close();
      throw e;
    }
    return peer;
  }

  /** {@code ws://127.0.0.1:port} followed by {@code pathAndQuery}. */
  public URI uri(String pathAndQuery) {
    return URI.create("ws://127.0.0.1:" + server.getPort() + pathAndQuery);
  }

  public int port() {
    return server.getPort();
  }

  /** Stops echoing; messages are still recorded. */
  public void echo(boolean on) {
    this.echo = on;
  }

  /** From now on every upgrade request waits until {@link #releaseHandshakes()}. */
  public void holdHandshakes() {
    handshakeGate = new CountDownLatch(1);
  }

  /**
   * From now on every upgrade is answered {@code delay} after it arrived, as a slow upstream (one
   * that authenticates or loads state first) answers; {@link #close()} ends a delay early.
   */
  public void delayHandshakes(Duration delay) {
    this.handshakeDelay = delay;
  }

  /** Lets held and future upgrades through. */
  public void releaseHandshakes() {
    CountDownLatch gate = handshakeGate;
    handshakeGate = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  /** Waits until an upgrade request arrives (held or not); answers its request target. */
  public String awaitHandshake(Duration timeout) throws InterruptedException {
    return Awaits.next(handshakes, timeout, "no upgrade request reached the upstream");
  }

  /** The next connection opened, waiting at most {@code timeout}. */
  public Conn awaitConnection(Duration timeout) throws InterruptedException {
    return Awaits.next(opened, timeout, "no connection reached the upstream");
  }

  /** Connections open right now. */
  public int openConnections() {
    return server.getConnections().size();
  }

  /** Errors Java-WebSocket reported on this server. */
  public List<Throwable> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping.countDown();
    releaseHandshakes();
    // Java-WebSocket 1.6.0's stop() marks the server closed and then sends every connection its
    // close frame; its selector thread meanwhile sees "closed", selects five times 5 ms apart and
    // closes the selector, so with many connections (1,000 in a kit case) a close frame still to
    // send asks a closed selector for write interest and stop() throws ClosedSelectorException,
    // leaving the rest open. Closing them first, while the selector runs, leaves stop() nothing
    // to send (a closing connection's close is a no-op); the product's stop does the same.
    for (WebSocket conn : server.getConnections()) {
      conn.close(CloseFrame.GOING_AWAY, "test upstream stopping");
    }
    server.stop((int) STOP_TIMEOUT.toMillis());
    if (wakeups != null) {
      wakeups.close();
    }
  }

  /** Pings this upstream received (the proxy's keepalive); Java-WebSocket answers each. */
  public int pingsReceived() {
    return pingsReceived.get();
  }

  private final java.util.concurrent.atomic.AtomicInteger pingsReceived =
      new java.util.concurrent.atomic.AtomicInteger();

  private final class Server extends WebSocketServer {
    @Override
    public void onWebsocketPing(WebSocket conn, org.java_websocket.framing.Framedata f) {
      super.onWebsocketPing(conn, f); // answers it
      pingsReceived.incrementAndGet();
    }

    final CompletableFuture<Void> started = new CompletableFuture<>();

    Server(List<Draft> drafts) {
      super(new InetSocketAddress("127.0.0.1", 0), drafts);
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
        ClientHandshake request) throws InvalidDataException {
      handshakes.add(request.getResourceDescriptor());
      CountDownLatch gate = handshakeGate;
      if (gate != null) {
        awaitAtMost(gate, MAX_HANDSHAKE_HOLD);
      }
      Duration delay = handshakeDelay;
      if (delay != null) {
        // the answer is late on purpose: this is the slow upstream under test, not a wait for it
        awaitAtMost(stopping, delay);
      }
      return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    private void awaitAtMost(CountDownLatch latch, Duration timeout) {
      try {
        latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      Conn c = new Conn(conn, handshake);
      conn.setAttachment(c);
      opened.add(c);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      Conn c = conn.getAttachment();
      c.received.add(message);
      if (echo) {
        conn.send(message);
      }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
      Conn c = conn.getAttachment();
      byte[] bytes = new byte[message.remaining()];
      message.get(bytes);
      c.received.add(bytes);
      if (echo) {
        conn.send(bytes);
      }
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
      Conn c = conn.getAttachment();
      if (c != null) {
        ByteBuffer b = f.getPayloadData();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        c.pongs.add(bytes);
      }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      Conn c = conn.getAttachment();
      if (c != null) {
        c.closed.complete(new Close(code, reason, remote));
      }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
      errors.add(ex);
      if (conn == null) {
        started.completeExceptionally(ex);
      }
    }

    @Override
    public void onStart() {
      started.complete(null);
    }
  }
}
