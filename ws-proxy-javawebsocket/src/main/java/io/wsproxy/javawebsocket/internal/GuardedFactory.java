package io.wsproxy.javawebsocket.internal;

import io.wsproxy.javawebsocket.internal.workarounds.EndOfStreamChannel;
import io.wsproxy.javawebsocket.internal.workarounds.LingeringClose;
import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.interfaces.ISSLChannel;
import org.java_websocket.server.DefaultWebSocketServerFactory;

/**
 * The connection factory that {@code JavaWebSocketAdapter.install} gives a server. Every server
 * connection is a {@link GuardedConnection} with the adapter's drafts, whatever drafts the server
 * was built with (Java-WebSocket uses its own list only to pass it here), so a host needs no
 * {@code drafts()} step. Every socket is wrapped, after the delegate (plain or TLS) wrapped it, in
 * an {@link EndOfStreamChannel}; an adapter's plain sockets are closed through its {@link
 * LingeringClose}. Thread-safe.
 */
public final class GuardedFactory implements WebSocketServerFactory {

  private final WebSocketServerFactory delegate;
  private final List<Draft> drafts; // null: the server's own
  private final ServerHandshakes handshakes; // null: no held handshake (test peers)
  private final LingeringClose lingering; // null: sockets closed at once (test peers)

  private GuardedFactory(WebSocketServerFactory delegate, List<Draft> drafts,
      ServerHandshakes handshakes, LingeringClose lingering) {
    this.delegate = Objects.requireNonNull(delegate, "transport factory");
    this.drafts = drafts == null ? null : List.copyOf(drafts);
    this.handshakes = handshakes;
    this.lingering = lingering;
  }

  /**
   * The adapter's factory: held handshakes, its drafts, the end-of-stream guard, plain sockets
   * closed through {@code lingering}.
   */
  public static GuardedFactory forAdapter(WebSocketServerFactory delegate, List<Draft> drafts,
      ServerHandshakes handshakes, LingeringClose lingering) {
    return new GuardedFactory(delegate, Objects.requireNonNull(drafts, "drafts"),
        Objects.requireNonNull(handshakes, "handshakes"),
        Objects.requireNonNull(lingering, "lingering"));
  }

  /**
   * Only the end-of-stream guard, for a plain Java-WebSocket server of the host's (or a test's)
   * that answers handshakes itself.
   */
  public static GuardedFactory endOfStreamOnly(WebSocketServerFactory delegate) {
    return new GuardedFactory(delegate, null, null, null);
  }

  /** Whether this factory serves an adapter (rather than only guarding end of stream). */
  boolean servesAdapter() {
    return handshakes != null;
  }

  /** Client-role connections: not used by a server, left to the delegate. */
  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
    return delegate.createWebSocket(a, d);
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> serverDrafts) {
    return new GuardedConnection(a, drafts == null ? serverDrafts : drafts, handshakes);
  }

  /**
   * Wraps a socket just accepted (on the selector thread). A connection accepted over the
   * pending-handshake cap is answered 503 (by a plain socket; any other is just closed) and
   * refused here: Java-WebSocket closes a socket whose wrapping failed, quietly, and never reads it.
   */
  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
    GuardedConnection conn = (GuardedConnection) key.attachment();
    if (conn.held() != null && conn.held().overCap()) {
      if (delegate instanceof DefaultWebSocketServerFactory) { // plain: the bytes are HTTP
        HttpRefusal.sendOnAccept(channel, ServerHandshakes.TOO_MANY_PENDING);
      }
      conn.held().connectionClosed();
      throw new IOException(ServerHandshakes.TOO_MANY_PENDING.reason());
    }
    ByteChannel wrapped = delegate.wrapChannel(channel, key);
    return wrapped instanceof ISSLChannel
        ? new EndOfStreamChannel.Tls(wrapped, conn.gate())
        : new EndOfStreamChannel(wrapped, conn.gate(), lingering);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
