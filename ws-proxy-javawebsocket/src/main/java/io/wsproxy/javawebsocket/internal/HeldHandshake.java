package io.wsproxy.javawebsocket.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.Rejection;
import io.wsproxy.RejectionMode;
import io.wsproxy.javawebsocket.internal.workarounds.UpgradeRequestReader;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Defers one connection's upgrade until its endpoint has decided (connect-first: until the upstream
 * answered), without blocking any thread.
 *
 * <p><b>How.</b> Java-WebSocket's selector reads the socket as usual and queues each buffer to the
 * connection's worker, which calls {@code decode}; {@link GuardedConnection} hands those buffers here
 * instead of to Java-WebSocket while the handshake is held. This copies them (the buffers go back to
 * Java-WebSocket's pool), reads the upgrade request itself ({@link UpgradeRequestReader}), and calls
 * {@code endpoint.handshake}. The worker returns at once. When the decision completes, on whatever
 * thread, this puts one <em>marker</em> buffer into the connection's {@code inQueue} and the
 * connection into its worker's queue, exactly as the selector does after a read (both queues are
 * public and thread-safe). The worker then calls {@code decode(marker)}, in order behind any buffer
 * read before it; that call releases everything held to Java-WebSocket's own {@code decode}, which
 * parses the request, calls the handshake hook (which finds the decision ready, {@link #decision()})
 * and opens the connection, or writes the HTTP refusal itself. Bytes read after the marker follow
 * it. So every decode still happens on the connection's one worker thread, in wire order.
 *
 * <p><b>Bounds.</b> The request and what follows it are bounded by {@link UpgradeRequestReader}
 * (431; beyond {@link UpgradeRequestReader#EARLY_BYTES} the connection is refused with 400). A
 * decision that does not come within the handshake timeout plus {@link ServerHandshakes#DECISION_GRACE}
 * is replaced by 503 / 1013. A connection that closes while held (the client left) abandons the
 * pending handshake, which cancels an upstream dial.
 *
 * <p><b>Threading.</b> {@link #offer} runs on the connection's worker; {@link #decided} on any
 * thread; {@link #connectionClosed} on whichever thread closes the connection. The state moves under
 * this object's monitor; no endpoint or listener code runs under it.
 */
final class HeldHandshake {

  private static final Logger log = LoggerFactory.getLogger(HeldHandshake.class);

  static final Rejection TOO_MUCH_EARLY_DATA =
      Rejection.badRequest("Too much data before the upgrade completed");

  /** Capacity of a marker when the connection has no server to ask: Java-WebSocket's default. */
  private static final int FALLBACK_MARKER_SIZE = 64 * 1024;

  private enum State { READING, DECIDING, DECIDED, RELEASED, CLOSED }

  private final GuardedConnection conn;
  private final ServerHandshakes handshakes;
  private final UpgradeRequestReader reader;

  // worker thread only (published to the deciding thread through the monitor)
  private WebSocketServer.WebSocketWorker worker;
  private ByteBuffer marker;
  private volatile boolean released;

  // guarded by this
  private State state = State.READING;
  private PendingHandshake pending;
  private HandshakeDecision decision;
  private Future<?> timeout;
  private final Future<?> readTimeout;
  private boolean opened;
  private final boolean overCap; // accepted over the pending-handshake cap: refused at once

  HeldHandshake(GuardedConnection conn, ServerHandshakes handshakes) {
    this.conn = conn;
    this.handshakes = handshakes;
    this.reader = new UpgradeRequestReader(handshakes.endpoint().limits());
    this.readTimeout = handshakes.timer().schedule(handshakes.endpoint().limits().handshakeTimeout(),
        this::readTimedOut);
    this.overCap = !handshakes.holding(conn);
  }

  /** Whether this connection was accepted over the pending-handshake cap. */
  boolean overCap() {
    return overCap;
  }

  /**
   * Timer: the client did not finish its upgrade request within the handshake timeout (a slow or
   * idle socket); it is dropped. Nothing is written: the selector may be using the channel.
   */
  private void readTimedOut() {
    synchronized (this) {
      if (state != State.READING) {
        return;
      }
    }
    log.debug("no complete upgrade request from {} within {}; dropping it",
        conn.getRemoteSocketAddress(), handshakes.endpoint().limits().handshakeTimeout());
    conn.closeConnection(org.java_websocket.framing.CloseFrame.ABNORMAL_CLOSE, "Request timeout");
  }

  /** Worker: whether buffers still come here rather than to Java-WebSocket. */
  boolean holding() {
    return !released;
  }

  /** Worker: whether {@code buf} is this handshake's marker (not bytes from the socket). */
  boolean isMarker(ByteBuffer buf) {
    return buf == marker;
  }

  /**
   * Worker: takes one buffer. Returns what Java-WebSocket must decode now: the held bytes when
   * {@code buf} is the marker of an acceptance (or a close-code refusal), else {@code null}.
   */
  ByteBuffer offer(ByteBuffer buf) {
    if (buf == marker) {
      return release();
    }
    State s;
    synchronized (this) {
      s = state;
    }
    if (s == State.CLOSED || s == State.RELEASED) {
      return null;
    }
    UpgradeRequestReader.Progress progress = reader.append(buf);
    switch (progress) {
      case HEADERS_TOO_LARGE -> refuse(UpgradeRequestReader.tooLarge());
      case TOO_MUCH_DATA -> refuse(new UpgradeRequestReader.Refusal(TOO_MUCH_EARLY_DATA));
      case COMPLETE -> {
        if (s == State.READING) {
          return start();
        }
      }
      default -> { } // more of the request to come
    }
    return null;
  }

  /** Worker: the request is complete; returns its bytes when the host serves it itself. */
  private ByteBuffer start() {
    InetSocketAddress remote = conn.getRemoteSocketAddress();
    if (remote == null) {
      return null; // the socket is already closed
    }
    UpgradeRequestReader.Outcome outcome = reader.parse(remote, conn.hasSSLSupport());
    boolean closeCodeMode = handshakes.endpoint().rejectionMode() == RejectionMode.CLOSE_CODE;
    if (outcome instanceof UpgradeRequestReader.Refusal refusal
        && !(refusal.wellFormed() && closeCodeMode)) {
      log.debug("refusing an upgrade request from {}: {}", remote, refusal.rejection().reason());
      refuse(refusal);
      return null;
    }
    if (outcome instanceof UpgradeRequestReader.Parsed parsed
        && handshakes.hostServes(parsed.request().pathAndQuery())) {
      synchronized (this) {
        state = State.RELEASED;
        readTimeout.cancel(false);
      }
      released = true; // the host's own upgrade: Java-WebSocket and the host's hook take it as is
      handshakes.answered(conn);
      return reader.held(1);
    }
    worker = conn.getWorkerThread();
    marker = markerBuffer();
    synchronized (this) {
      if (state != State.READING) {
        return null;
      }
      state = State.DECIDING;
      readTimeout.cancel(false);
    }
    if (outcome instanceof UpgradeRequestReader.Refusal refusal) {
      decided(refusal.rejection()); // close-code mode: upgraded, then closed with its code
      return null;
    }
    PendingHandshake p;
    try {
      p = handshakes.endpoint().handshake(((UpgradeRequestReader.Parsed) outcome).request(), null);
    } catch (RuntimeException e) {
      log.warn("the endpoint's handshake failed for {}; refusing it", remote, e);
      decided(ServerHandshakes.FAILED);
      return null;
    }
    boolean closed;
    synchronized (this) {
      pending = p;
      closed = state == State.CLOSED;
      if (!closed) {
        timeout = handshakes.timer().schedule(handshakes.decisionTimeout(), this::timedOut);
      }
    }
    if (closed) {
      p.abandon(); // the client left while the endpoint was called
      return null;
    }
    p.decision().whenComplete((d, e) -> decided(d != null ? d : ServerHandshakes.FAILED));
    return null;
  }

  /** A buffer like the ones Java-WebSocket's pool holds, since the worker returns it to the pool. */
  private ByteBuffer markerBuffer() {
    ByteBuffer b = conn.getWebSocketListener() instanceof WebSocketServer server
        ? server.createBuffer() : ByteBuffer.allocate(FALLBACK_MARKER_SIZE);
    b.clear().limit(1); // decode insists on a remaining byte; its content is never read
    return b;
  }

  private void timedOut() {
    log.warn("no handshake decision within {} for {}; refusing it", handshakes.decisionTimeout(),
        conn.getRemoteSocketAddress());
    decided(ServerHandshakes.TIMED_OUT);
  }

  /** Any thread: the endpoint decided; hands the marker to the worker. */
  void decided(HandshakeDecision d) {
    synchronized (this) {
      if (state != State.DECIDING) {
        return; // decided already (timeout), or the connection closed
      }
      state = State.DECIDED;
      decision = d;
      if (timeout != null) {
        timeout.cancel(false);
      }
    }
    try {
      conn.inQueue.put(marker);
      worker.put(conn);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      conn.closeConnection(org.java_websocket.framing.CloseFrame.ABNORMAL_CLOSE, "interrupted");
    }
  }

  /** Worker, at the marker: answers a refusal, or returns the held bytes for Java-WebSocket. */
  private ByteBuffer release() {
    HandshakeDecision d;
    synchronized (this) {
      if (state != State.DECIDED) {
        return null; // closed meanwhile
      }
      d = decision;
      state = State.RELEASED;
    }
    handshakes.answered(conn);
    if (d instanceof Rejection r
        && handshakes.endpoint().rejectionMode() == RejectionMode.HTTP_STATUS) {
      refuse(new UpgradeRequestReader.Refusal(r));
      return null;
    }
    released = true;
    return reader.held(1);
  }

  private void refuse(UpgradeRequestReader.Refusal refusal) {
    PendingHandshake p;
    synchronized (this) {
      state = State.CLOSED;
      readTimeout.cancel(false);
      p = pending;
    }
    released = true; // nothing more is decoded: the connection is closed next
    HttpRefusal.send(conn, refusal.rejection(), refusal.headers());
    if (p != null) {
      p.abandon();
    }
  }

  /**
   * The decision that released this connection (for the handshake hook and {@code onOpen}), or
   * {@code null} before the release.
   */
  synchronized HandshakeDecision decision() {
    return released ? decision : null;
  }

  /**
   * Opens the endpoint for the client's channel (after an acceptance's 101); {@code null} when the
   * connection closed first, in which case the handshake was abandoned instead.
   */
  WsListener open(WsChannel channel) {
    PendingHandshake p;
    synchronized (this) {
      if (state == State.CLOSED) {
        return null;
      }
      opened = true;
      p = pending;
    }
    return p.open(channel);
  }

  /** Gives the pending handshake up (a close-code refusal was sent, or opening failed). */
  void abandon() {
    PendingHandshake p;
    synchronized (this) {
      p = pending;
    }
    if (p != null) {
      p.abandon();
    }
  }

  /**
   * Any thread: the connection closed. A handshake not opened yet is abandoned, even after its 101
   * (the client may leave between the 101 and {@code onOpen}); {@link #open} then opens nothing, so
   * exactly one of the two ends it.
   */
  void connectionClosed() {
    PendingHandshake p;
    synchronized (this) {
      state = State.CLOSED;
      if (timeout != null) {
        timeout.cancel(false);
      }
      readTimeout.cancel(false);
      p = opened ? null : pending;
    }
    handshakes.answered(conn);
    if (p != null) {
      p.abandon();
    }
  }
}
