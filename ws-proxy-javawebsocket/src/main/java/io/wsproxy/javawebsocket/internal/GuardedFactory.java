package io.wsproxy.javawebsocket.internal;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.interfaces.ISSLChannel;

/**
 * The connection factory of {@code ProxyServer}'s Java-WebSocket server. It gives every connection
 * the adapter's bounded drafts (a server built on an already bound channel, which is how
 * {@code ProxyServer} reports bind errors synchronously, cannot be given drafts and would fall back
 * to Java-WebSocket's unbounded default), and wraps every socket in a {@link HandshakeGuard} that
 * caps the size of the upgrade request (Java-WebSocket buffers it without limit). Delegates the rest
 * (plain or TLS channels). Thread-safe.
 */
public final class GuardedFactory implements WebSocketServerFactory {

  private final WebSocketServerFactory delegate;
  private final List<Draft> drafts;
  private final int maxHandshakeBytes;

  public GuardedFactory(WebSocketServerFactory delegate, List<Draft> drafts, int maxHandshakeBytes) {
    this.delegate = delegate;
    this.drafts = List.copyOf(drafts);
    this.maxHandshakeBytes = maxHandshakeBytes;
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
    return delegate.createWebSocket(a, d);
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> ignored) {
    return delegate.createWebSocket(a, drafts);
  }

  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
    ByteChannel wrapped = delegate.wrapChannel(channel, key);
    return wrapped instanceof ISSLChannel
        ? new HandshakeGuard.Tls(wrapped, key, maxHandshakeBytes)
        : new HandshakeGuard(wrapped, key, maxHandshakeBytes);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
