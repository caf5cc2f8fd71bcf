package io.wsproxy.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain socket speaking just enough HTTP/1.1 and RFC 6455 to send what a good client never sends
 * (malformed upgrades, unmasked frames, invalid UTF-8) and to read the raw answer. Not thread-safe.
 */
final class RawSocket implements AutoCloseable {

  static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final byte[] MASK = {0x0a, 0x1b, 0x2c, 0x3d};

  /** One frame read from the server. */
  record Frame(int opcode, byte[] payload) {
    /** The close code of a close frame, or -1. */
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  /** An HTTP response head and the body bytes that came with it. */
  record Response(int status, String head, String body) {}

  private final Socket socket;
  private final InputStream in;

  private RawSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  static RawSocket connect(int port, Duration timeout) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
    s.setSoTimeout((int) timeout.toMillis());
    return new RawSocket(s);
  }

  /** A well-formed upgrade request for {@code path}, with {@code extra} header lines. */
  static String upgrade(String path, int port, String... extra) {
    StringBuilder b = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
        + "\r\nSec-WebSocket-Version: 13\r\n");
    for (String e : extra) {
      b.append(e).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Every byte until the peer closes the connection. */
  String readToEnd() throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  /** Reads a response head; with a Content-Length, its body too. */
  Response readResponse() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("end of stream in the response head: " + head);
      }
      head.write(c);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    int status = Integer.parseInt(h.substring(9, 12));
    String body = "";
    String lower = h.toLowerCase(java.util.Locale.ROOT);
    int cl = lower.indexOf("content-length:");
    if (cl >= 0) {
      int end = lower.indexOf("\r\n", cl);
      int n = Integer.parseInt(h.substring(cl + 15, end).trim());
      body = new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
    return new Response(status, h, body);
  }

  /** Sends one frame, masked or not, with FIN set. */
  void sendFrame(int opcode, byte[] payload, boolean masked) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x80 | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      f.write(maskBit | payload.length);
    } else {
      f.write(maskBit | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length & 0xff);
    }
    if (masked) {
      f.write(MASK);
    }
    for (int i = 0; i < payload.length; i++) {
      f.write(masked ? payload[i] ^ MASK[i % 4] : payload[i]);
    }
    socket.getOutputStream().write(f.toByteArray());
  }

  /** Reads one unmasked frame (payloads under 64 KiB). */
  Frame readFrame() throws IOException {
    int b0 = read();
    int len = read() & 0x7f;
    if (len == 126) {
      len = (read() << 8) | read();
    }
    return new Frame(b0 & 0x0f, in.readNBytes(len));
  }

  /** A close frame's payload: the code and reason. */
  static byte[] closePayload(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array();
  }

  /** Whether the server closed the connection (end of stream) within the socket timeout. */
  boolean awaitEndOfStream() throws IOException {
    try {
      while (in.read() >= 0) {
        // drain what is left
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }

  private int read() throws IOException {
    int c = in.read();
    if (c < 0) {
      throw new IOException("end of stream in a frame");
    }
    return c;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
