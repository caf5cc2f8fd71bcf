package io.wsproxy.examples.hostile;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebSocket client on a plain socket, for what well-behaved clients never send: hand-written
 * upgrade requests and floods of one-byte fragments of a message that never ends. Speaks just
 * enough RFC 6455 to upgrade, send masked frames, and read the server's frames. Not thread-safe.
 */
final class RawWs implements AutoCloseable {

  static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final byte[] MASK = {0x37, 0x2a, 0x11, 0x5c};
  static final int OPCODE_TEXT = 0x1;
  static final int OPCODE_BINARY = 0x2;
  static final int OPCODE_CLOSE = 0x8;
  /** A one-byte masked fragment on the wire: 2 header bytes, 4 mask bytes, 1 payload byte. */
  static final int FRAGMENT_WIRE_BYTES = 7;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWs(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code 127.0.0.1:port}; reads time out after {@code timeout}. */
  static RawWs connect(int port, Duration timeout) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      s.setTcpNoDelay(true);
      return new RawWs(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** A valid upgrade request for {@code path}. */
  static String upgradeRequest(int port, String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }

  /** Connects and upgrades at {@code path}; fails unless the answer is a 101. */
  static RawWs upgrade(int port, String path, Duration timeout) throws IOException {
    RawWs ws = connect(port, timeout);
    try {
      ws.write(upgradeRequest(port, path).getBytes(StandardCharsets.US_ASCII));
      String head = ws.readHead();
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(head));
      }
      return ws;
    } catch (IOException | RuntimeException e) {
      ws.close();
      throw e;
    }
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The response head up to its blank line (or what came before the connection ended). */
  String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    InputStream is = in;
    while (matched < end.length && head.size() < 64 * 1024) {
      int b = is.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Writes {@code n} one-byte fragments, none final; the very first one opens a binary message. */
  void sendFragments(byte[] batchBuffer, int n, boolean first) throws IOException {
    for (int i = 0; i < n; i++) {
      int off = i * FRAGMENT_WIRE_BYTES;
      batchBuffer[off] = (byte) (first && i == 0 ? OPCODE_BINARY : 0); // FIN clear
      batchBuffer[off + 1] = (byte) 0x81; // masked, one byte
      System.arraycopy(MASK, 0, batchBuffer, off + 2, 4);
      batchBuffer[off + 6] = (byte) ('x' ^ MASK[0]);
    }
    out.write(batchBuffer, 0, n * FRAGMENT_WIRE_BYTES);
  }

  /** Sends a short text message in one masked frame. */
  void sendText(String text) throws IOException {
    byte[] p = text.getBytes(StandardCharsets.UTF_8);
    if (p.length > 125) {
      throw new IllegalArgumentException("at most 125 bytes");
    }
    byte[] f = new byte[6 + p.length];
    f[0] = (byte) (0x80 | OPCODE_TEXT);
    f[1] = (byte) (0x80 | p.length);
    System.arraycopy(MASK, 0, f, 2, 4);
    for (int i = 0; i < p.length; i++) {
      f[6 + i] = (byte) (p[i] ^ MASK[i % 4]);
    }
    write(f);
  }

  /** Reads frames until a text message (returned) or a close frame (its code, as "close NNNN"). */
  String readTextOrClose() throws IOException {
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
      if (opcode == OPCODE_TEXT) {
        return new String(payload, StandardCharsets.UTF_8);
      }
      if (opcode == OPCODE_CLOSE) {
        int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        return "close " + code;
      }
    }
  }

  /** The close code the server sent, or -1 when the connection ended without a close frame. */
  int readCloseCode() throws IOException {
    try {
      while (true) {
        String s = readTextOrClose();
        if (s.startsWith("close ")) {
          return Integer.parseInt(s.substring(6));
        }
      }
    } catch (EOFException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
