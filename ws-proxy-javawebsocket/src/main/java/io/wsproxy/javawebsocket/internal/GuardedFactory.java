package io.wsproxy.javawebsocket.internal;

import io.wsproxy.Limits;
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

/**
 * The connection factory of a Java-WebSocket server serving an endpoint ({@code ProxyServer}'s, or a
 * host's through {@code JavaWebSocketAdapter.serverFactory}). It wraps every socket in a
 * {@link GuardedChannel}, which caps the size of the upgrade request (Java-WebSocket buffers it
 * without limit) and, with the {@link DrainingWebSocket} connections this factory creates, reports a
 * client's end of stream only after the frames read before it are decoded (Java-WebSocket would drop
 * them, see {@link EndOfStreamGate}). The delegate wraps the raw channel (plain or TLS) first.
 *
 * <p>Optionally it gives every connection fixed drafts: a server built on an already bound channel,
 * which is how {@code ProxyServer} reports bind errors synchronously, cannot be given drafts and
 * would fall back to Java-WebSocket's unbounded default. Thread-safe.
 */
public final class GuardedFactory implements WebSocketServerFactory {

  /** Room for the request line and line ends on top of the header size limit: 8 KiB. */
  public static final int REQUEST_LINE_ALLOWANCE = 8 * 1024;

  private final WebSocketServerFactory delegate;
  private final List<Draft> drafts; // null: the server's own
  private final int maxHandshakeBytes;

  private GuardedFactory(WebSocketServerFactory delegate, List<Draft> drafts, Limits limits) {
    this.delegate = Objects.requireNonNull(delegate, "transport factory");
    this.drafts = drafts == null ? null : List.copyOf(drafts);
    this.maxHandshakeBytes = limits.maxHandshakeHeaderBytes() + REQUEST_LINE_ALLOWANCE;
  }

  /** A factory for a server whose own drafts apply; {@code delegate} wraps the raw channels. */
  public static GuardedFactory wrapping(WebSocketServerFactory delegate, Limits limits) {
    return new GuardedFactory(delegate, null, limits);
  }

  /** A factory that gives every connection {@code drafts}, whatever the server was built with. */
  public static GuardedFactory withDrafts(WebSocketServerFactory delegate, List<Draft> drafts,
      Limits limits) {
    return new GuardedFactory(delegate, Objects.requireNonNull(drafts, "drafts"), limits);
  }

  /** Client-role connections: not used by a server, left to the delegate. */
  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
    return delegate.createWebSocket(a, d);
  }

  /** Server connections: always {@link DrainingWebSocket}s (the delegate's own kind is not used). */
  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> serverDrafts) {
    return new DrainingWebSocket(a, drafts == null ? serverDrafts : drafts);
  }

  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
    ByteChannel wrapped = delegate.wrapChannel(channel, key);
    return wrapped instanceof ISSLChannel
        ? new GuardedChannel.Tls(wrapped, key, maxHandshakeBytes)
        : new GuardedChannel(wrapped, key, maxHandshakeBytes);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
