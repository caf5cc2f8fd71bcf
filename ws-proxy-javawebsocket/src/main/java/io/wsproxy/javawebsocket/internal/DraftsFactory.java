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

/**
 * Makes every server connection use the given drafts. A {@code WebSocketServer} built on an already
 * bound channel (which is how {@code ProxyServer} reports bind errors synchronously) cannot be given
 * drafts and would fall back to Java-WebSocket's unbounded default; this factory substitutes ours.
 * Delegates everything else (plain or TLS channels). Thread-safe.
 */
public final class DraftsFactory implements WebSocketServerFactory {

  private final WebSocketServerFactory delegate;
  private final List<Draft> drafts;

  public DraftsFactory(WebSocketServerFactory delegate, List<Draft> drafts) {
    this.delegate = delegate;
    this.drafts = List.copyOf(drafts);
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
    return delegate.wrapChannel(channel, key);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
