package io.wsproxy.javawebsocket.internal;

import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;

/**
 * A server connection that tells its {@link EndOfStreamGate} when a worker has decoded a buffer, so
 * the peer's end of stream is reported only after the bytes read before it (see the gate).
 * Created by {@link GuardedFactory}; {@link GuardedChannel} finds the gate through the selection
 * key's attachment. Thread-safety as {@link WebSocketImpl}.
 */
final class DrainingWebSocket extends WebSocketImpl {

  private final EndOfStreamGate gate = new EndOfStreamGate(this);

  DrainingWebSocket(WebSocketListener listener, List<Draft> drafts) {
    super(listener, drafts);
  }

  EndOfStreamGate gate() {
    return gate;
  }

  /** Called by Java-WebSocket's worker thread for each buffer the selector read. */
  @Override
  public void decode(ByteBuffer socketBuffer) {
    try {
      super.decode(socketBuffer);
    } finally {
      gate.decoded();
    }
  }
}
