package io.wsproxy.javawebsocket.internal.workarounds;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;

/**
 * Works around a defect of Java-WebSocket 1.6.0, <b>a close frame without a code read as 1000</b>:
 * it parses an empty close payload (which RFC 6455 allows) as code 1000, so nobody could tell it
 * from a real 1000. The draft notes the payload length of the last frame it decoded (Java-WebSocket
 * sizes every payload through {@code checkAlloc} just before building the frame) and, for a close
 * frame with an empty payload, reports 1005 and answers with an empty close frame. The close frame is
 * the last frame a peer sends, so the last length is its own.
 */
public final class EmptyCloseFrame {

  private EmptyCloseFrame() {}

  /**
   * Handles a close frame that had no payload; returns {@code false} when Java-WebSocket's own
   * handling should go on (the connection is neither open nor answering our close).
   */
  public static boolean handle(WebSocketImpl ws) {
    if (ws.getReadyState() == ReadyState.CLOSING) {
      ws.closeConnection(CloseFrame.NOCODE, "", true); // the answer to our close
      return true;
    }
    if (ws.isOpen() && !ws.isFlushAndClose()) {
      CloseFrame answer = new CloseFrame();
      answer.setCode(CloseFrame.NOCODE); // an empty payload on the wire
      try {
        ws.sendFrame(answer);
      } catch (WebsocketNotConnectedException e) {
        // closed meanwhile; flushAndClose below still ends it
      }
      ws.flushAndClose(CloseFrame.NOCODE, "", true);
      return true;
    }
    return false;
  }
}
