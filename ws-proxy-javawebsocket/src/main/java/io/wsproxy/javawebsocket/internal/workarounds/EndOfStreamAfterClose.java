package io.wsproxy.javawebsocket.internal.workarounds;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.enums.ReadyState;

/**
 * Works around a defect of Java-WebSocket 1.6.0, <b>an end of stream after the close stops the
 * server</b>: {@code WebSocketImpl.eot()} dereferences the connection's draft, which is
 * {@code null} for a connection closed before its upgrade (a refused request). When the selector
 * reads the end of stream of such a connection after another thread closed it, the
 * {@code NullPointerException} escapes the selector loop, which logs "Shutdown due to fatal error"
 * and stops the whole server: every other client loses its connection and new ones are refused.
 * A closed connection has nothing left to end, so its end of stream is ignored.
 */
public final class EndOfStreamAfterClose {

  private EndOfStreamAfterClose() {}

  /** Whether {@code conn}'s end of stream must be ignored (call under {@code conn}'s monitor). */
  public static boolean ignore(WebSocketImpl conn) {
    return conn.getReadyState() == ReadyState.CLOSED;
  }
}
