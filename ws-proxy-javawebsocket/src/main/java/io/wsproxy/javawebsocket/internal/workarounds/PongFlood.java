package io.wsproxy.javawebsocket.internal.workarounds;

import org.java_websocket.WebSocketImpl;

/**
 * Stops answering pings while a connection's out queue is backed up, working around this defect of
 * Java-WebSocket 1.6.0: <b>every ping is answered by queuing a pong</b> in the connection's
 * unbounded out queue, whether or not the peer reads. A peer that floods pings and never reads would
 * make the proxy hold a pong (about 200 bytes of heap) for every ping it sent, without end.
 * RFC 6455 section 5.5.3 lets an endpoint that has not yet sent its pongs answer only the latest
 * ping; here a ping that arrives while {@link #MAX_QUEUED_FRAMES} frames wait to be written is not
 * answered (nor reported), so a flood costs at most that many frames.
 *
 * <p>Stateless; called from a connection's decoding thread.
 */
public final class PongFlood {

  /** Frames waiting in a connection's out queue at which its peer's pings go unanswered. */
  public static final int MAX_QUEUED_FRAMES = 1024;

  private PongFlood() {}

  /** Whether a ping arriving on {@code ws} now should be answered. */
  public static boolean answer(WebSocketImpl ws) {
    return ws.outQueue.size() < MAX_QUEUED_FRAMES; // a counter read: LinkedBlockingQueue.size()
  }
}
