package io.wsproxy.javawebsocket.internal.workarounds;

import java.util.Iterator;
import org.java_websocket.handshake.HandshakeBuilder;
import org.java_websocket.handshake.HandshakeImpl1Server;
import org.java_websocket.handshake.ServerHandshake;

/**
 * Works around a defect of Java-WebSocket 1.6.0, <b>a fixed {@code Server} header</b>: its
 * {@code Draft_6455} adds {@code Server: TooTallNate Java-WebSocket} to every 101, telling anyone
 * which library (and so which known bugs) sits behind the proxy. Its handshake builder cannot remove
 * a field, so the response is copied without it. (Refusals are written by the module itself and
 * never carry the header.)
 */
public final class NoServerHeader {

  private static final String SERVER = "Server";

  private NoServerHeader() {}

  /** {@code response} without its {@code Server} field. */
  public static HandshakeBuilder strip(HandshakeBuilder response) {
    if (!response.hasFieldValue(SERVER)) {
      return response;
    }
    HandshakeImpl1Server copy = new HandshakeImpl1Server();
    if (response instanceof ServerHandshake s) {
      copy.setHttpStatus(s.getHttpStatus());
      copy.setHttpStatusMessage(s.getHttpStatusMessage());
    }
    for (Iterator<String> it = response.iterateHttpFields(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equalsIgnoreCase(SERVER)) {
        copy.put(name, response.getFieldValue(name));
      }
    }
    copy.setContent(response.getContent());
    return copy;
  }
}
