package io.wsproxy.javawebsocket.internal;

import io.wsproxy.Headers;
import io.wsproxy.Rejection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.interfaces.ISSLChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses an upgrade with a real HTTP status, which Java-WebSocket 1.6.0 cannot do.
 *
 * <p>Java-WebSocket answers every handshake refused from {@code onWebsocketHandshakeReceivedAsServer}
 * with a fixed {@code 404 WebSocket Upgrade Failure} page (a {@code RuntimeException} gives
 * {@code 500}), and leaves the TCP connection open until the client closes it. So the adapter writes
 * its own response, {@code HTTP/1.1 <status> <phrase>} with {@code Connection: close} and the reason
 * as a {@code text/plain} body, straight to the connection's socket channel on the worker thread, and
 * closes the connection at once. Java-WebSocket's 404 page, queued after the adapter throws, finds the
 * connection closed and is discarded, so the client sees exactly this response followed by FIN.
 *
 * <p>Nothing else writes to the socket at this point (the handshake answer is the first thing a
 * server sends), and the response is a few hundred bytes, which an empty socket send buffer always
 * takes in one write. Should a write stop short (a full buffer, or a TLS channel left holding
 * encrypted bytes), the rest is dropped and the client sees a truncated refusal, which it treats as a
 * failed upgrade all the same; this is logged at debug level.
 */
final class HttpRefusal {

  private static final Logger log = LoggerFactory.getLogger(HttpRefusal.class);

  /** Buffer and reads spent draining unread client bytes before the close: 16 x 4 KiB. */
  private static final int DRAIN_BUFFER = 4 * 1024;
  private static final int MAX_DRAIN_READS = 16;
  /** Writes that returned no progress before giving up on the rest of the response. */
  private static final int MAX_IDLE_WRITES = 3;

  private HttpRefusal() {}

  /** Sends the refusal and closes {@code conn}; Java-WebSocket reports no open or close for it. */
  static void send(WebSocketImpl conn, Rejection rejection) {
    send(conn, rejection, Headers.EMPTY);
  }

  /** Sends the refusal with {@code headers} besides its own, and closes {@code conn}. */
  static void send(WebSocketImpl conn, Rejection rejection, Headers headers) {
    writeAndDrain(conn.getChannel(), rejection, headers);
    conn.closeConnection(rejection.closeCode(), rejection.reason());
  }

  /**
   * Writes the refusal to a plain socket just accepted, before Java-WebSocket uses it (the caller
   * closes it): for a connection over the pending-handshake cap, which has sent nothing yet.
   */
  static void sendOnAccept(ByteChannel plainSocket, Rejection rejection) {
    writeAndDrain(plainSocket, rejection, Headers.EMPTY);
  }

  private static void writeAndDrain(ByteChannel channel, Rejection rejection, Headers headers) {
    ByteBuffer response = response(rejection, headers);
    try {
      int idle = 0;
      while (response.hasRemaining() && idle < MAX_IDLE_WRITES) {
        idle = channel.write(response) > 0 ? 0 : idle + 1;
      }
      boolean tlsPending = channel instanceof WrappedByteChannel w && w.isNeedWrite();
      if (response.hasRemaining() || tlsPending) {
        log.debug("refusal truncated: the socket did not take the whole response");
      }
    } catch (IOException e) {
      log.debug("could not write the refusal: {}", e.toString());
    }
    if (!(channel instanceof ISSLChannel)) {
      drainReceived(channel);
    }
  }

  /**
   * Reads (and drops) what the client sent that nobody read yet: closing a socket with unread
   * received bytes makes the kernel answer with a reset instead of a FIN, and a reset can make the
   * client discard the refusal it has not read yet. Plain sockets only (a TLS channel is not safe to
   * read here, beside the selector); bounded, and non-blocking like the channel.
   */
  private static void drainReceived(ByteChannel channel) {
    ByteBuffer sink = ByteBuffer.allocate(DRAIN_BUFFER);
    try {
      for (int i = 0; i < MAX_DRAIN_READS && channel.read(sink.clear()) > 0; i++) {
        // dropped
      }
    } catch (IOException e) {
      // gone already: nothing to drain
    }
  }

  /** The whole HTTP response for {@code rejection}, with {@code headers} besides its own. */
  static ByteBuffer response(Rejection rejection, Headers headers) {
    StringBuilder extra = new StringBuilder();
    headers.forEach((name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
    byte[] body = (rejection.reason() + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + rejection.httpStatus() + " " + phrase(rejection.httpStatus()) + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n"
        + extra
        + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer out = ByteBuffer.allocate(headBytes.length + body.length);
    out.put(headBytes).put(body).flip();
    return out;
  }

  /** The standard reason phrase (RFC 9110 section 15), or a generic one. */
  static String phrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 426 -> "Upgrade Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> status < 500 ? "Client Error" : "Server Error";
    };
  }
}
