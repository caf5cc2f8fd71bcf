package io.wsproxy.javawebsocket.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.BinaryFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.FramedataImpl1;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.framing.PongFrame;
import org.java_websocket.framing.TextFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WsChannel} over one Java-WebSocket connection, server side or client side.
 *
 * <p><b>Sends</b> encode the frame on the caller's thread and append it to the connection's out
 * queue, which Java-WebSocket's selector (server) or write thread (client) drains; they never block.
 * A send answers {@code false} once the queued bytes ({@link QueuedBytes}) reach the high-water mark;
 * the {@link WritabilityWatch} then reports {@code onWritable} when they fall to half of it.
 * Java-WebSocket cannot stop reading a connection, so {@link #canPauseReading()} is {@code false}.
 *
 * <p><b>Events</b> arrive from Java-WebSocket threads through the {@code on*} methods and reach the
 * listener one at a time and in order ({@link SerialEvents}); text arrives as a {@code String}
 * (Java-WebSocket decodes it) and is handed over as {@link Text#of}.
 *
 * <p><b>Close.</b> {@link #close} sends the close frame and arms a timer that aborts the connection
 * if it is not closed within the close timeout. The listener's {@code onClose} runs exactly once;
 * {@code remote} is true only when the peer started the close (Java-WebSocket also says "remote" for
 * the peer's answer to our close, which is corrected here).
 */
public final class JavaWebSocketChannel implements WsChannel {

  private static final Logger log = LoggerFactory.getLogger(JavaWebSocketChannel.class);

  /** Largest ping or pong payload (RFC 6455 section 5.5). */
  private static final int MAX_CONTROL_PAYLOAD = 125;
  /** Close code and reason used when the endpoint fails to take the connection. */
  private static final int OPEN_FAILED_CODE = CloseCodes.INTERNAL_ERROR;
  private static final String OPEN_FAILED_REASON = "Internal error";
  private static final String ABORT_REASON = "aborted";

  private final WebSocketImpl conn;
  private final boolean masked;
  private final String subprotocol;
  private final Duration closeTimeout;
  private final Timer timer;
  private final WritabilityWatch watch;
  private final long highWater;
  private final Runnable dropConnection;
  private final QueuedBytes queued;
  private final SerialEvents events = new SerialEvents();

  // owned by the thread running events (see SerialEvents)
  private WsListener listener;
  private boolean opened;
  private boolean closeDelivered;

  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private volatile boolean blocked; // a send answered false and onWritable has not followed yet
  private volatile boolean transportClosing; // Java-WebSocket started a close itself
  private volatile boolean aborted;
  private volatile boolean closed; // a close was reported by the transport
  private volatile Future<?> closeTimer;

  /**
   * @param conn           the connection (a server-side {@code WebSocketImpl} or a client's engine)
   * @param client         whether this end is the client (its frames are masked)
   * @param subprotocol    the negotiated subprotocol, or {@code null}
   * @param closeTimeout   how long the peer has to answer our close before the connection is cut
   * @param timer          the timer for close timeouts
   * @param watch          where a blocked channel waits for its queue to drain
   * @param highWater      queued bytes at which sends answer "not writable"
   * @param dropConnection cuts the TCP connection at once; Java-WebSocket then reports the close
   */
  public JavaWebSocketChannel(WebSocketImpl conn, boolean client, String subprotocol,
      Duration closeTimeout, Timer timer, WritabilityWatch watch, long highWater,
      Runnable dropConnection) {
    this.conn = Objects.requireNonNull(conn, "conn");
    this.masked = client;
    this.subprotocol = subprotocol;
    this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.watch = Objects.requireNonNull(watch, "watch");
    if (highWater <= 0) {
      throw new IllegalArgumentException("highWater must be positive: " + highWater);
    }
    this.highWater = highWater;
    this.dropConnection = Objects.requireNonNull(dropConnection, "dropConnection");
    this.queued = new QueuedBytes(conn.outQueue);
  }

  // ---------------------------------------------------------------- WsChannel

  @Override
  public boolean sendText(Text text) {
    Objects.requireNonNull(text, "text");
    return send(new TextFrame(), text.utf8());
  }

  @Override
  public boolean sendBinary(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    return send(new BinaryFrame(), data);
  }

  @Override
  public void sendPing(ByteBuffer data) {
    send(new PingFrame(), control("ping", data));
  }

  @Override
  public void sendPong(ByteBuffer data) {
    send(new PongFrame(), control("pong", data));
  }

  private static ByteBuffer control(String what, ByteBuffer data) {
    Objects.requireNonNull(data, what);
    if (data.remaining() > MAX_CONTROL_PAYLOAD) {
      throw new IllegalArgumentException(
          what + " payload must be at most " + MAX_CONTROL_PAYLOAD + " bytes: " + data.remaining());
    }
    return data;
  }

  private boolean send(FramedataImpl1 frame, ByteBuffer payload) {
    if (closed || conn.isFlushAndClose()) {
      return false; // closing or closed: sends are ignored
    }
    int size = QueuedBytes.wireSize(payload.remaining(), masked);
    frame.setPayload(payload); // frames are created final (FIN set): one frame per message
    synchronized (queued) { // queue and record in the same order
      try {
        conn.sendFrame(frame);
      } catch (WebsocketNotConnectedException e) {
        return false;
      }
      queued.record(size);
    }
    if (queued.estimate() < highWater) {
      return true;
    }
    blocked = true;
    watch.watch(this);
    return false;
  }

  @Override
  public boolean isWritable() {
    return !closed && queued.estimate() < highWater;
  }

  /** Timer thread: whether a blocked channel may be told it is writable (or will never be). */
  boolean drainedOrClosed() {
    return closed || queued.estimate() <= highWater / 2;
  }

  /** Timer thread: the queue drained after a send answered {@code false}. */
  void drained() {
    if (blocked && !closed) {
      blocked = false;
      events.run(() -> deliver("onWritable", l -> l.onWritable(this)));
    }
  }

  @Override
  public void close(int code, String reason) {
    if (closed || !closeRequested.compareAndSet(false, true)) {
      return;
    }
    int wireCode = CloseCodes.forWire(code); // the core mapped it; this only guards the wire
    String wireReason = CloseCodes.truncateReason(reason);
    closeTimer = timer.schedule(closeTimeout, this::closeTimedOut);
    if (closed) {
      cancelCloseTimer(); // the connection closed while we armed the timer
    }
    try {
      conn.close(wireCode, wireReason);
    } catch (RuntimeException e) {
      log.debug("close({}) failed; dropping the connection: {}", wireCode, e.toString());
      abort();
    }
  }

  private void closeTimedOut() {
    if (!closed) {
      log.debug("peer did not answer the close within {}; dropping the connection", closeTimeout);
      abort();
    }
  }

  @Override
  public void abort() {
    aborted = true;
    try {
      dropConnection.run();
    } catch (RuntimeException e) {
      log.debug("dropping the connection failed: {}", e.toString());
    }
    // Java-WebSocket reports the close through the host; report it here too in case the host does
    // not forward onClose. Delivery happens once either way.
    onClose(CloseCodes.ABNORMAL, ABORT_REASON, false);
  }

  @Override
  public long queuedBytes() {
    return queued.estimate();
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  @Override
  public String toString() {
    Object peer;
    try {
      peer = conn.getRemoteSocketAddress();
    } catch (RuntimeException e) {
      peer = "?"; // the socket is gone
    }
    return "JavaWebSocketChannel{" + peer + (closed ? ", closed}" : "}");
  }

  // ---------------------------------------------------------------- events from Java-WebSocket

  /**
   * Starts delivering events: asks {@code listenerFactory} for the listener (unless the connection
   * closed first), then calls its {@code onOpen}. Events reported earlier follow it, in order.
   */
  public void open(Supplier<WsListener> listenerFactory) {
    Objects.requireNonNull(listenerFactory, "listenerFactory");
    events.run(() -> deliverOpen(listenerFactory));
  }

  /** A whole text message. */
  public void onText(String text) {
    if (events.tryEnter()) {
      deliverText(text);
      events.leave();
    } else {
      events.enqueue(() -> deliverText(text));
    }
  }

  /** A whole binary message; the buffer is handed to the listener. */
  public void onBinary(ByteBuffer data) {
    if (events.tryEnter()) {
      deliverBinary(data);
      events.leave();
    } else {
      events.enqueue(() -> deliverBinary(data));
    }
  }

  /** A ping or pong frame; its payload is copied (Java-WebSocket reuses it for the pong). */
  public void onControl(Framedata frame) {
    ByteBuffer payload = frame.getPayloadData();
    ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
    copy.put(payload.duplicate()).flip();
    boolean ping = frame.getOpcode() == Opcode.PING;
    events.run(() -> deliver(ping ? "onPing" : "onPong", l -> {
      if (ping) {
        l.onPing(this, copy);
      } else {
        l.onPong(this, copy);
      }
    }));
  }

  /** A transport error; a close follows. */
  public void onError(Exception error) {
    events.run(() -> deliver("onError", l -> l.onError(this, error)));
  }

  /**
   * Java-WebSocket (or this module's frame checks) started a close on its own: the close that follows
   * is not the peer's even when Java-WebSocket calls it remote (it does so when the peer answers).
   * The peer has the close timeout to answer it, as for a close of ours: Java-WebSocket itself
   * would wait for ever for a peer that broke the protocol and then fell silent, holding both legs.
   */
  public void onCloseInitiated() {
    transportClosing = true;
    if (!closed && closeRequested.compareAndSet(false, true)) {
      closeTimer = timer.schedule(closeTimeout, this::closeTimedOut);
      if (closed) {
        cancelCloseTimer(); // the connection closed while we armed the timer
      }
    }
  }

  /**
   * This module's frame checks failed the connection and sent the close frame: the listener hears
   * the close now, with the code sent (a peer that floods without reading may never answer it), and
   * the peer has the close timeout to answer before the connection is cut.
   */
  public void failed(int code, String reason) {
    transportClosing = true;
    if (!closed && closeRequested.compareAndSet(false, true)) {
      closeTimer = timer.schedule(closeTimeout, this::closeTimedOut);
      if (closed) {
        cancelCloseTimer();
      }
    }
    events.run(() -> deliverClose(code, reason, false));
  }

  /** The connection closed, as Java-WebSocket reports it. */
  public void onClose(int code, String reason, boolean javaWebSocketRemote) {
    boolean local = closeRequested.get() || transportClosing || aborted;
    // dropping the connection makes Java-WebSocket report the close code it had stored (ours, from
    // an unanswered close); what really happened is an abnormal end
    int reported = aborted || code < 0 ? CloseCodes.ABNORMAL : code; // < 0: Java-WebSocket's own
    boolean remote = reported == CloseCodes.ABNORMAL ? !local : javaWebSocketRemote && !local;
    String why = aborted ? ABORT_REASON : reason == null ? "" : reason;
    closed = true;
    cancelCloseTimer();
    events.run(() -> deliverClose(reported, why, remote));
  }

  private void cancelCloseTimer() {
    Future<?> t = closeTimer;
    if (t != null) {
      t.cancel(false);
    }
  }

  // ---------------------------------------------------------------- delivery (serial)

  private void deliverOpen(Supplier<WsListener> factory) {
    if (opened || closeDelivered) {
      return;
    }
    opened = true;
    WsListener l;
    try {
      l = factory.get();
    } catch (RuntimeException e) {
      log.warn("the endpoint failed to open {}; closing it", this, e);
      l = null;
    }
    if (l == null) {
      close(OPEN_FAILED_CODE, OPEN_FAILED_REASON);
      return;
    }
    listener = l;
    try {
      l.onOpen(this);
    } catch (RuntimeException e) {
      listenerFailed("onOpen", e);
    }
  }

  private void deliverText(String text) {
    WsListener l = listener;
    if (l != null && !closeDelivered) {
      try {
        l.onText(this, Text.of(text));
      } catch (RuntimeException e) {
        listenerFailed("onText", e);
      }
    }
  }

  private void deliverBinary(ByteBuffer data) {
    WsListener l = listener;
    if (l != null && !closeDelivered) {
      try {
        l.onBinary(this, data);
      } catch (RuntimeException e) {
        listenerFailed("onBinary", e);
      }
    }
  }

  /** Delivers a rare event; the hot ones (text, binary) are spelled out to avoid the lambda. */
  private void deliver(String method, Consumer<WsListener> event) {
    WsListener l = listener;
    if (l != null && !closeDelivered) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        listenerFailed(method, e);
      }
    }
  }

  private void deliverClose(int code, String reason, boolean remote) {
    if (closeDelivered) {
      return;
    }
    closeDelivered = true;
    WsListener l = listener;
    listener = null;
    if (l != null) {
      try {
        l.onClose(this, code, reason, remote);
      } catch (RuntimeException e) {
        listenerFailed("onClose", e);
      }
    }
  }

  private void listenerFailed(String method, RuntimeException e) {
    log.warn("WsListener.{} threw on {}", method, this, e);
  }
}
