package io.wsproxy.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebSocket client on a plain socket, for what a well-behaved client never does: vanish without a
 * close frame (FIN or RST), or send its last frames and its FIN in one go. It speaks just enough
 * RFC 6455 to upgrade and send short masked frames.
 * Not thread-safe; no threads of its own.
 */
public final class RawClient implements AutoCloseable {

  /** A fixed key is fine: the server's answer is not checked beyond its status line. */
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};
  private static final int OPCODE_TEXT = 0x1;
  private static final int OPCODE_CLOSE = 0x8;

  private final Socket socket;

  private RawClient(Socket socket) {
    this.socket = socket;
  }

  /** Upgrades a new connection to {@code 127.0.0.1:port} at {@code pathAndQuery}. */
  public static RawClient connect(int port, String pathAndQuery, Duration timeout)
      throws IOException {
    return connect(port, pathAndQuery, timeout, 0);
  }

  /**
   * As {@link #connect(int, String, Duration)}, with a small socket receive buffer (bytes; 0 keeps
   * the default) so that a client that stops reading fills up quickly.
   */
  public static RawClient connect(int port, String pathAndQuery, Duration timeout,
      int receiveBuffer) throws IOException {
    Socket s = new Socket();
    try {
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + port + "\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + KEY + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String head = readHead(s.getInputStream());
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new AssertionError("upgrade refused: " + head);
      }
      return new RawClient(s);
    } catch (IOException | RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  /** Sends a short text message in one masked frame. */
  public void sendText(String text) throws IOException {
    write(frame(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Sends a text message, a close frame and the TCP FIN in one write, as a client that half-closes
   * right after closing does (the JDK client does): the server sees data and end of stream together.
   */
  public void sendTextThenCloseAndHalfClose(String text, int code, String reason)
      throws IOException {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] close = new byte[2 + r.length];
    close[0] = (byte) (code >> 8);
    close[1] = (byte) code;
    System.arraycopy(r, 0, close, 2, r.length);
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.writeBytes(frame(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8)));
    both.writeBytes(frame(OPCODE_CLOSE, close));
    write(both.toByteArray());
    socket.shutdownOutput();
  }

  private void write(byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  private static byte[] frame(int opcode, byte[] payload) {
    if (payload.length > 125) {
      throw new IllegalArgumentException("payload longer than 125 bytes");
    }
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    frame.write(0x80 | payload.length);
    frame.write(MASK, 0, MASK.length);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ MASK[i % 4]);
    }
    return frame.toByteArray();
  }

  /**
   * Reads one unfragmented binary message sent by the server (unmasked frames; pings and pongs are
   * skipped). Fails on any other frame.
   */
  public byte[] readBinaryMessage() throws IOException {
    java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
    while (true) {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      byte[] payload = new byte[Math.toIntExact(len)];
      in.readFully(payload);
      int opcode = b0 & 0x0f;
      if (opcode == 0x9 || opcode == 0xA) {
        continue;
      }
      if (opcode != 0x2 || (b0 & 0x80) == 0) {
        throw new AssertionError("expected a whole binary frame, got opcode " + opcode
            + (opcode == OPCODE_CLOSE && len >= 2
                ? " code " + (((payload[0] & 0xff) << 8) | (payload[1] & 0xff)) : ""));
      }
      return payload;
    }
  }

  /** Closes the TCP connection with a FIN and no close frame. */
  public void dropTcp() throws IOException {
    socket.close();
  }

  /** Resets the TCP connection (RST) with no close frame. */
  public void resetTcp() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed during the upgrade: "
            + head.toString(StandardCharsets.US_ASCII));
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
