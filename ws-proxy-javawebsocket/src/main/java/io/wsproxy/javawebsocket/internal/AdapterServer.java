package io.wsproxy.javawebsocket.internal;

import io.wsproxy.javawebsocket.JavaWebSocketAdapter;
import io.wsproxy.javawebsocket.internal.workarounds.AcceptExhaustion;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;

/**
 * The Java-WebSocket server behind {@code JavaWebSocketEndpointServer}: every callback goes to a
 * {@link JavaWebSocketAdapter}, exactly as an embedding host's server would forward them.
 *
 * <p>Built on a channel the caller has already bound (so bind errors are reported synchronously) and
 * installed like any host's server ({@code adapter.install}), so it has no private setup of its
 * own but the {@link AcceptExhaustion} guard, which keeps it listening when descriptors run out. Thread-safe; callbacks run on Java-WebSocket's threads.
 */
public final class AdapterServer extends WebSocketServer {

  private final JavaWebSocketAdapter adapter;
  private final FatalErrors fatalErrors;
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final Object connectionsChanged = new Object();
  private final AcceptExhaustion acceptGuard = new AcceptExhaustion();

  /**
   * A server on {@code boundChannel}; TLS when {@code sslContext} is not {@code null}; fatal errors
   * of its threads go to {@code fatalErrors}.
   */
  public AdapterServer(ServerSocketChannel boundChannel, JavaWebSocketAdapter adapter,
      SSLContext sslContext, FatalErrors fatalErrors) {
    super(boundChannel);
    this.adapter = adapter;
    this.fatalErrors = fatalErrors;
    adapter.install(this, sslContext == null
        ? new DefaultWebSocketServerFactory() : new DefaultSSLWebSocketServerFactory(sslContext));
  }

  /** Completes when the selector thread runs, or exceptionally if it failed to start. */
  public CompletableFuture<Void> started() {
    return started;
  }

  /**
   * Waits until no connection is open, at most until {@code deadlineNanos} ({@link System#nanoTime}).
   *
   * @return whether every connection closed in time
   */
  public boolean awaitNoConnections(long deadlineNanos) throws InterruptedException {
    synchronized (connectionsChanged) {
      while (!getConnections().isEmpty()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        connectionsChanged.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /** Waits for the worker threads to end (they are interrupted when the selector stops). */
  public void awaitWorkers(long deadlineNanos) throws InterruptedException {
    for (Thread worker : decoders) {
      long left = deadlineNanos - System.nanoTime();
      if (left > 0) {
        worker.join(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** Java-WebSocket's hook before each accept: none while descriptors are exhausted. */
  @Override
  protected boolean onConnect(SelectionKey key) {
    return acceptGuard.mayAccept(key);
  }

  /** Stops the accept guard's timer (once the server stopped). */
  public void closeAcceptGuard() {
    acceptGuard.close();
  }

  @Override
  protected boolean removeConnection(WebSocket ws) {
    boolean removed = super.removeConnection(ws);
    synchronized (connectionsChanged) {
      connectionsChanged.notifyAll();
    }
    return removed;
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    return adapter.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    adapter.onOpen(conn, handshake);
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    adapter.onMessage(conn, message);
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    adapter.onMessage(conn, message);
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata ping) {
    super.onWebsocketPing(conn, ping);
    adapter.onWebsocketPing(conn, ping);
  }

  @Override
  public void onWebsocketPong(WebSocket conn, Framedata pong) {
    adapter.onWebsocketPong(conn, pong);
  }

  @Override
  public void onCloseInitiated(WebSocket conn, int code, String reason) {
    adapter.onCloseInitiated(conn, code, reason);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    adapter.onClose(conn, code, reason, remote);
  }

  /** The selector thread: Java-WebSocket catches only runtime exceptions there. */
  @Override
  public void run() {
    try {
      super.run();
    } catch (VirtualMachineError e) {
      fatalErrors.report(e);
      throw e;
    }
  }

  @Override
  public void onError(WebSocket conn, Exception error) {
    if (fatalErrors.report(error)) {
      return; // Java-WebSocket has logged it and is stopping; the handler decides the rest
    }
    if (conn == null && !started.isDone()) {
      started.completeExceptionally(error);
    }
    adapter.onError(conn, error);
  }

  @Override
  public void onStart() {
    started.complete(null);
  }
}
