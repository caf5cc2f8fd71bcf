package io.wsproxy.javawebsocket.internal.workarounds;

import java.nio.channels.SelectionKey;
import java.time.Duration;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.server.WebSocketServer;

/**
 * Works around a defect of Java-WebSocket 1.6.0, the <b>lost write wakeup</b> in its
 * {@code WebSocketServer}: its selector
 * thread empties a connection's out-queue ({@code doWrite} → {@code batch}) and then sets the key's
 * interest to read only. A worker thread that queues a frame and asks for write interest between
 * those two steps is overwritten, and its frame waits for the next write demand — the
 * connection-lost ping 60 s later, or never. This sweep restores write interest for every connection
 * that has queued bytes but none, so such a frame waits at most {@link #INTERVAL}.
 *
 * <p>Runs on the adapter's timer thread; each pass copies the server's connection list and checks
 * each queue's emptiness and key interest, which costs well under a millisecond per ten thousand
 * connections.
 */
public final class LostWriteWakeupSweep implements Runnable {

  /** How often connections are checked for a lost write wakeup. */
  public static final Duration INTERVAL = Duration.ofMillis(50);

  private final WebSocketServer server;

  public LostWriteWakeupSweep(WebSocketServer server) {
    this.server = server;
  }

  @Override
  public void run() {
    for (WebSocket ws : server.getConnections()) {
      if (ws instanceof WebSocketImpl impl && !impl.outQueue.isEmpty()) {
        SelectionKey key = impl.getSelectionKey();
        try {
          if (key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
            server.onWriteDemand(impl);
          }
        } catch (java.nio.channels.CancelledKeyException e) {
          // closed meanwhile: nothing to wake
        }
      }
    }
  }
}
