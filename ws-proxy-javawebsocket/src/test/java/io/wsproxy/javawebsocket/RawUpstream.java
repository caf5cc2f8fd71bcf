package io.wsproxy.javawebsocket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.CompletionException;

/** A hand-written upstream on a {@link ServerSocket}: answers upgrades exactly as a test needs. */
final class RawUpstream {

  private RawUpstream() {}

  /** Answers one upgrade with 101, then reads and ignores everything until the client goes. */
  static void acceptAndIgnore(ServerSocket server) {
    try (Socket s = acceptUpgrade(server)) {
      byte[] sink = new byte[1024];
      while (s.getInputStream().read(sink) >= 0) {
        // never answer the close
      }
    } catch (Exception e) {
      // the client cut the connection: expected
    }
  }

  /** Accepts one connection and answers its upgrade request with 101. */
  static Socket acceptUpgrade(ServerSocket server) {
    return acceptUpgrade(server, null);
  }

  /**
   * Accepts one connection and answers its upgrade with a 101 carrying {@code acceptLine} (the
   * right accept key when {@code null}) and {@code extra} header lines.
   */
  static Socket acceptUpgrade(ServerSocket server, String acceptLine, String... extra) {
    try {
      Socket s = server.accept();
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          s.close();
          throw new EOFException("no upgrade request");
        }
        head.append((char) b);
      }
      String key = head.toString().lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
          .findFirst().orElseThrow().substring("sec-websocket-key:".length()).trim();
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(
          (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
      String accept = acceptLine != null ? acceptLine
          : "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(sha1) + "\r\n";
      s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\n" + accept + String.join("", extra) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return s;
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  /** Reads and drops everything the client sends until it goes. */
  static void drain(Socket s) {
    byte[] sink = new byte[64 * 1024];
    try {
      while (s.getInputStream().read(sink) >= 0) {
        // read everything the client sends
      }
    } catch (IOException e) {
      // the test ended and closed the socket
    }
  }
}
