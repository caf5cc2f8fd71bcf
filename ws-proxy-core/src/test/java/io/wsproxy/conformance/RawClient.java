package io.wsproxy.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A WebSocket client on a plain socket, for what a well-behaved client never does: vanish without a
 * close frame (FIN or RST), send its last frames and its FIN in one go, pipeline frames behind its
 * upgrade request before the 101 arrived, or send an unmasked frame. It speaks just enough RFC 6455
 * to upgrade, send short frames and read unfragmented ones; it also reads a refused upgrade's status.
 * Not thread-safe; no threads of its own.
 */
public final class RawClient implements AutoCloseable {

  /** A fixed key is fine: the server's answer is not checked beyond its status line. */
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};
  static final int OPCODE_TEXT = 0x1;
  static final int OPCODE_BINARY = 0x2;
  static final int OPCODE_CLOSE = 0x8;
  static final int OPCODE_PING = 0x9;
  static final int OPCODE_PONG = 0xA;

  /** One frame as it came off the wire. */
  public record Frame(int opcode, boolean fin, byte[] payload) {
    /** The close code of a close frame (1005 when it has none). */
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private String upgradeHead; // the 101 once read

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
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
    RawClient c = send(port, pathAndQuery, timeout, receiveBuffer, List.of());
    try {
      c.awaitUpgrade();
      return c;
    } catch (IOException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /**
   * Sends an upgrade request to {@code 127.0.0.1:port} with {@code extraHeaderLines} (each
   * {@code "Name: value"}) and returns at once, without reading the answer: the caller may pipeline
   * frames, then {@link #awaitUpgrade} or {@link #readResponseHead}.
   */
  public static RawClient send(int port, String pathAndQuery, Duration timeout,
      List<String> extraHeaderLines) throws IOException {
    return send(port, pathAndQuery, timeout, 0, extraHeaderLines);
  }

  private static RawClient send(int port, String pathAndQuery, Duration timeout, int receiveBuffer,
      List<String> extraHeaderLines) throws IOException {
    Socket s = new Socket();
    try {
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + port + "\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + KEY + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n");
      extraHeaderLines.forEach(h -> request.append(h).append("\r\n"));
      request.append("\r\n");
      s.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      return new RawClient(s);
    } catch (IOException | RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  /**
   * The response head to an upgrade request with {@code extraHeaderLines}: for a refused upgrade,
   * the status line and headers (see {@link HttpHead#status}). The connection is closed afterwards.
   */
  public static String responseHead(int port, String pathAndQuery, Duration timeout,
      String... extraHeaderLines) throws IOException {
    try (RawClient c = send(port, pathAndQuery, timeout, List.of(extraHeaderLines))) {
      return c.readResponseHead();
    }
  }

  /** Reads the server's response head, whatever its status. */
  public String readResponseHead() throws IOException {
    return HttpHead.read(in);
  }

  /** Reads the server's response head and fails unless it is a 101; answers it. */
  public String awaitUpgrade() throws IOException {
    String head = readResponseHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new AssertionError("upgrade refused: " + head);
    }
    upgradeHead = head;
    return head;
  }

  /** The 101 head this client read (after {@link #connect} or {@link #awaitUpgrade}). */
  public String upgradeHead() {
    if (upgradeHead == null) {
      throw new IllegalStateException("no 101 read yet");
    }
    return upgradeHead;
  }

  /** Sends a short text message in one masked frame. */
  public void sendText(String text) throws IOException {
    write(frame(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8), true));
  }

  /** Sends short text messages, one masked frame each, in one write (as a burst arrives). */
  public void sendTexts(List<String> texts) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    texts.forEach(t -> all.writeBytes(frame(OPCODE_TEXT, t.getBytes(StandardCharsets.UTF_8), true)));
    write(all.toByteArray());
  }

  /** Sends a short text message in an <em>unmasked</em> frame, which RFC 6455 5.1 forbids. */
  public void sendUnmaskedText(String text) throws IOException {
    write(frame(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8), false));
  }

  /**
   * Sends a text message, a close frame and the TCP FIN in one write, as a client that half-closes
   * right after closing does (the JDK client does): the server sees data and end of stream together.
   */
  public void sendTextThenCloseAndHalfClose(String text, int code, String reason)
      throws IOException {
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.writeBytes(frame(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8), true));
    both.writeBytes(closeFrame(code, reason));
    write(both.toByteArray());
    socket.shutdownOutput();
  }

  /** Sends a masked close frame with {@code code} and no reason. */
  public void sendClose(int code) throws IOException {
    write(closeFrame(code, ""));
  }

  /** A masked close frame with {@code code} and {@code reason}. */
  private static byte[] closeFrame(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] close = new byte[2 + r.length];
    close[0] = (byte) (code >> 8);
    close[1] = (byte) code;
    System.arraycopy(r, 0, close, 2, r.length);
    return frame(OPCODE_CLOSE, close, true);
  }

  /**
   * Writes the header of one masked binary frame announcing {@code length} payload bytes, and
   * {@code first} of them (zeros): the start of a message the server may refuse while the rest is
   * still to come.
   */
  public void startBinaryFrame(long length, int first) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.write(0x80 | OPCODE_BINARY);
    head.write(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      head.write((int) (length >>> shift));
    }
    head.write(MASK, 0, MASK.length);
    head.write(new byte[first], 0, first);
    write(head.toByteArray());
  }

  /**
   * Whether the server ended the connection cleanly (TCP FIN) after what was read so far: the next
   * read finds the end of stream. A reset, or more bytes, answer false.
   */
  public boolean endsWithFin() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) { // a reset
      return false;
    }
  }

  /** How long a read may wait from now on (the default is the connect call's timeout). */
  public void readTimeout(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
  }

  /** Writes {@code bytes} as they are: hand-made frames, a frame header cut short. */
  public void sendRaw(byte[] bytes) throws IOException {
    write(bytes);
  }

  private void write(byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  /**
   * Writes {@code wire} (frames the caller built) in pieces of 1 to 9 bytes, with now and then a
   * larger one, each flushed on its own with Nagle off, so the server reads headers, masking keys
   * and payloads split at every kind of boundary. The cuts follow {@code seed}.
   */
  public void writeInPieces(byte[] wire, long seed) throws IOException {
    socket.setTcpNoDelay(true);
    java.util.Random r = new java.util.Random(seed);
    OutputStream out = socket.getOutputStream();
    for (int at = 0; at < wire.length; ) {
      int n = Math.min(wire.length - at, r.nextInt(8) == 0 ? 1 + r.nextInt(4096) : 1 + r.nextInt(9));
      out.write(wire, at, n);
      out.flush();
      at += n;
    }
  }

  private static byte[] frame(int opcode, byte[] payload, boolean masked) {
    if (payload.length > 125) {
      throw new IllegalArgumentException("payload longer than 125 bytes");
    }
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    frame.write((masked ? 0x80 : 0) | payload.length);
    if (masked) {
      frame.write(MASK, 0, MASK.length);
    }
    for (int i = 0; i < payload.length; i++) {
      frame.write(masked ? payload[i] ^ MASK[i % 4] : payload[i]);
    }
    return frame.toByteArray();
  }

  /** Reads the next frame the server sent (server frames are unmasked). */
  public Frame readFrame() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    if ((b1 & 0x80) != 0) {
      throw new AssertionError("the server masked a frame (RFC 6455 5.1 forbids it)");
    }
    byte[] payload = new byte[Math.toIntExact(len)];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
  }

  /** Reads one unfragmented message of {@code opcode}; pings and pongs are skipped. */
  private byte[] readMessage(int opcode) throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f.opcode() == OPCODE_PING || f.opcode() == OPCODE_PONG) {
        continue;
      }
      if (f.opcode() != opcode || !f.fin()) {
        throw new AssertionError("expected a whole frame of opcode " + opcode + ", got opcode "
            + f.opcode() + (f.opcode() == OPCODE_CLOSE ? " code " + f.closeCode() : ""));
      }
      return f.payload();
    }
  }

  /** Reads one unfragmented binary message sent by the server. Fails on any other frame. */
  public byte[] readBinaryMessage() throws IOException {
    return readMessage(OPCODE_BINARY);
  }

  /** Reads one unfragmented text message sent by the server. Fails on any other frame. */
  public String readTextMessage() throws IOException {
    return new String(readMessage(OPCODE_TEXT), StandardCharsets.UTF_8);
  }

  /**
   * Reads frames until the server's close frame and answers its code; fails if the connection ends
   * without one.
   */
  public int readCloseCode() throws IOException {
    while (true) {
      Frame f;
      try {
        f = readFrame();
      } catch (java.io.EOFException e) {
        throw new AssertionError("the connection ended without a close frame");
      }
      if (f.opcode() == OPCODE_CLOSE) {
        return f.closeCode();
      }
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
}
