package io.wsproxy.javawebsocket.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.javawebsocket.internal.workarounds.EndOfStreamAfterClose;
import io.wsproxy.javawebsocket.internal.workarounds.EndOfStreamGate;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;

/**
 * A server connection made by the adapter's {@link GuardedFactory}: what marks a connection as
 * served by an installed adapter. It holds the upgrade until the endpoint decided
 * ({@link HeldHandshake}), tells its {@link EndOfStreamGate} when a worker has decoded a buffer read
 * from the socket, and carries the client's channel once the 101 is written.
 *
 * <p>Thread-safety as {@link WebSocketImpl}: {@code decode} runs on the connection's one worker.
 */
public final class GuardedConnection extends WebSocketImpl {

  private final EndOfStreamGate gate = new EndOfStreamGate(this);
  private final HeldHandshake held; // null: the server answers handshakes itself
  private volatile JavaWebSocketChannel channel;

  GuardedConnection(WebSocketListener listener, List<Draft> drafts, ServerHandshakes handshakes) {
    super(listener, drafts);
    this.held = handshakes == null ? null : new HeldHandshake(this, handshakes);
  }

  EndOfStreamGate gate() {
    return gate;
  }

  HeldHandshake held() {
    return held;
  }

  /** Whether this connection holds its handshake for an adapter (not a plain guarded server's). */
  public boolean holdsHandshakes() {
    return held != null;
  }

  /** The decision that released this connection's upgrade, or {@code null} (not released yet). */
  public HandshakeDecision decision() {
    return held == null ? null : held.decision();
  }

  /** Opens the endpoint for this connection's channel, after an acceptance's 101. */
  public WsListener open(WsChannel ch) {
    return held.open(ch);
  }

  /** Gives the pending handshake up: a close-code refusal went out, or the host is misconfigured. */
  public void abandon() {
    if (held != null) {
      held.abandon();
    }
  }

  /** The client's channel, set by the handshake hook; {@code null} before. */
  public JavaWebSocketChannel channel() {
    return channel;
  }

  void channel(JavaWebSocketChannel ch) {
    this.channel = ch;
  }

  /** Called by Java-WebSocket's worker thread for each buffer the selector read (and our marker). */
  @Override
  public void decode(ByteBuffer socketBuffer) {
    if (held != null && held.holding()) {
      boolean fromSocket = !held.isMarker(socketBuffer);
      try {
        ByteBuffer release = held.offer(socketBuffer);
        if (release != null) {
          super.decode(release);
        }
      } finally {
        if (fromSocket) {
          gate.decoded();
        }
      }
      return;
    }
    try {
      super.decode(socketBuffer);
    } finally {
      gate.decoded();
    }
  }

  /** The peer's end of stream, from the selector (see {@link EndOfStreamAfterClose}). */
  @Override
  public synchronized void eot() { // the monitor closeConnection takes: no close in between
    if (!EndOfStreamAfterClose.ignore(this)) {
      super.eot();
    }
  }

  /**
   * Every way Java-WebSocket ends a connection comes here; a held handshake is abandoned. Not
   * synchronized itself (Java-WebSocket's method is): the endpoint is not called under its monitor.
   */
  @Override
  public void closeConnection(int code, String message, boolean remote) {
    try {
      super.closeConnection(code, message, remote);
    } finally {
      if (held != null) {
        held.connectionClosed();
      }
    }
  }
}
