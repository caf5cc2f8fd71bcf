package io.wsproxy.conformance;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.server.WebSocketServer;

/**
 * Keeps a Java-WebSocket test peer from losing a write wakeup (a Java-WebSocket 1.6.0 defect: its
 * selector can overwrite a worker's request for write interest, so a frame the peer sends from a
 * worker — an echo, a pong — waits for the next ping, 60 s later). The transport module has its own
 * repair for the servers it serves; the kit's peers are plain Java-WebSocket servers and need this
 * one, or the kit measures the peer instead of the proxy. Every 20 ms it restores write interest
 * where bytes are queued without it.
 */
public final class PeerWakeups implements AutoCloseable {

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "test-peer-wakeups");
    t.setDaemon(true);
    return t;
  });

  private PeerWakeups(WebSocketServer server) {
    timer.scheduleWithFixedDelay(() -> sweep(server), 20, 20, TimeUnit.MILLISECONDS);
  }

  /** Starts repairing {@code server}'s lost write wakeups until {@link #close()}. */
  public static PeerWakeups repair(WebSocketServer server) {
    return new PeerWakeups(server);
  }

  private static void sweep(WebSocketServer server) {
    for (WebSocket ws : server.getConnections()) {
      if (ws instanceof WebSocketImpl impl && !impl.outQueue.isEmpty()) {
        SelectionKey key = impl.getSelectionKey();
        try {
          if (key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
            server.onWriteDemand(impl);
          }
        } catch (CancelledKeyException e) {
          // closed meanwhile
        }
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
