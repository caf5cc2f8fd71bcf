package io.wsproxy.javawebsocket;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A WebSocket client written by hand on a plain {@link Socket}, for what real clients refuse to
 * send: repeated headers, CR/LF tricks, thousands of header fields, an exact byte-for-byte view of
 * the answer. It writes the upgrade request, reads the response head (and the body of a refusal),
 * and speaks just enough RFC 6455 to send masked text and close frames and read unmasked frames.
 *
 * <p>Every read is bounded by {@link JdkClient#TIMEOUT}. Not thread-safe: one test thread.
 */
final class E2eRawClient implements AutoCloseable {

  /** The sample key of RFC 6455 section 1.3, so two upgrades get byte-identical answers. */
  static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;
  private static final int FIN = 0x80;
  private static final int MASKED = 0x80;

  /** What a client was told: an HTTP refusal, or an upgrade closed with a code. */
  record Answer(int httpStatus, int closeCode, String reason) {
    static Answer http(int status, String reason) {
      return new Answer(status, 0, reason);
    }

    static Answer closed(int code, String reason) {
      return new Answer(101, code, reason);
    }
  }

  /** One frame from the server. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final int status;
  private final List<String> responseHeaders = new ArrayList<>();
  private String body = "";

  private E2eRawClient(int port, byte[] request) throws IOException {
    socket = new Socket();
    socket.setSoTimeout((int) JdkClient.TIMEOUT.toMillis());
    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) JdkClient.TIMEOUT.toMillis());
    in = socket.getInputStream();
    out = socket.getOutputStream();
    out.write(request);
    out.flush();
    String head = readHead();
    String[] lines = head.split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    status = Integer.parseInt(statusLine[1]);
    for (int i = 1; i < lines.length; i++) {
      responseHeaders.add(lines[i]);
    }
    if (status != 101) {
      int length = Integer.parseInt(header("Content-Length"));
      body = new String(readFully(length), StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends an upgrade for {@code target}: the usual handshake fields ({@code Host}, {@code Upgrade},
   * {@code Connection}, {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version}) except those a
   * line of {@code headerLines} names, then {@code headerLines} exactly as given (each followed by
   * CRLF); reads the answer's head.
   */
  static E2eRawClient upgrade(int port, String target, String... headerLines) throws IOException {
    StringBuilder req = new StringBuilder().append("GET ").append(target).append(" HTTP/1.1\r\n");
    List<String> defaults = List.of("Host: 127.0.0.1:" + port, "Upgrade: websocket",
        "Connection: Upgrade", "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13");
    for (String field : defaults) {
      String name = field.substring(0, field.indexOf(':') + 1).toLowerCase(Locale.ROOT);
      if (Arrays.stream(headerLines).noneMatch(l -> l.toLowerCase(Locale.ROOT).startsWith(name))) {
        req.append(field).append("\r\n");
      }
    }
    for (String line : headerLines) {
      req.append(line).append("\r\n");
    }
    req.append("\r\n");
    return new E2eRawClient(port, req.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The HTTP status of the answer (101 when upgraded). */
  int status() {
    return status;
  }

  /** The first response header field with this name (any case), or null. */
  String header(String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    for (String line : responseHeaders) {
      if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        return line.substring(prefix.length()).strip();
      }
    }
    return null;
  }

  /**
   * What the client was told: the status and body of a refusal, or, for an upgrade, the code and
   * reason of the close frame the server sends next (answered, so the server can finish at once).
   */
  Answer answer() throws IOException {
    if (status != 101) {
      return Answer.http(status, body.strip());
    }
    Frame close = nextFrame(OP_CLOSE);
    try {
      sendFrame(OP_CLOSE, close.payload());
    } catch (IOException e) {
      // the server may cut the connection once its close is sent; the answer is known anyway
    }
    return Answer.closed(closeCode(close.payload()), closeReason(close.payload()));
  }

  /** Every byte received so far, without the {@code Date} field Java-WebSocket adds to a 101. */
  String receivedWithoutDate() {
    String all = received.toString(StandardCharsets.ISO_8859_1);
    return all.replaceAll("(?im)^Date:[^\r\n]*\r\n", "");
  }

  /** Sends a masked text frame. */
  void sendText(String text) throws IOException {
    sendFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends only the header of a masked binary frame that claims {@code claimedLength} payload bytes,
   * and no payload: a forged header that would make a server without a frame limit allocate it.
   */
  void sendForgedBinaryHeader(long claimedLength) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write(FIN | 0x2);
    header.write(MASKED | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      header.write((int) (claimedLength >> shift));
    }
    header.writeBytes(new byte[] {0x12, 0x34, 0x56, 0x78});
    out.write(header.toByteArray());
    out.flush();
  }

  /** Sends one text message as several masked frames, one per part. */
  void sendFragments(String... parts) throws IOException {
    for (int i = 0; i < parts.length; i++) {
      int opcode = i == 0 ? OP_TEXT : OP_CONTINUATION;
      writeFrame((i == parts.length - 1 ? FIN : 0) | opcode,
          parts[i].getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Sends an unmasked text frame, which a client must never send (RFC 6455 section 5.1). */
  void sendUnmaskedText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(FIN | OP_TEXT);
    frame.write(payload.length); // short payloads only
    frame.writeBytes(payload);
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Sends a masked close frame with {@code code} and a reason of exactly {@code reasonBytes}. */
  void sendClose(int code, byte[] reasonBytes) throws IOException {
    byte[] payload = new byte[2 + reasonBytes.length];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(reasonBytes, 0, payload, 2, reasonBytes.length);
    sendFrame(OP_CLOSE, payload);
  }

  /** Sends a masked frame whose first byte (FIN, reserved bits, opcode) is {@code firstByte}. */
  void sendFrameWithFirstByte(int firstByte, byte[] payload) throws IOException {
    writeFrame(firstByte, payload);
  }

  /** Reads and drops exactly {@code bytes} bytes of whatever the server sends. */
  void discard(long bytes) throws IOException {
    byte[] sink = new byte[64 * 1024];
    long left = bytes;
    while (left > 0) {
      int n = in.read(sink, 0, (int) Math.min(sink.length, left));
      if (n < 0) {
        throw new EOFException(left + " bytes short");
      }
      left -= n;
    }
  }

  /** Sends these bytes as they are. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next text message, answering pings on the way. */
  String nextText() throws IOException {
    return nextFrame(OP_TEXT).text();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private Frame nextFrame(int wanted) throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f.opcode() == wanted) {
        return f;
      }
      if (f.opcode() == OP_PING) {
        sendFrame(OP_PONG, f.payload());
      } else if (f.opcode() == OP_CLOSE) {
        throw new IOException("closed with " + closeCode(f.payload()) + " "
            + closeReason(f.payload()) + " while waiting for opcode " + wanted);
      }
    }
  }

  private Frame readFrame() throws IOException {
    byte[] h = readFully(2);
    int opcode = h[0] & 0x0F;
    long len = h[1] & 0x7F;
    if (len == 126) {
      byte[] l = readFully(2);
      len = ((l[0] & 0xFF) << 8) | (l[1] & 0xFF);
    } else if (len == 127) {
      byte[] l = readFully(8);
      len = 0;
      for (byte b : l) {
        len = (len << 8) | (b & 0xFF);
      }
    }
    if ((h[1] & MASKED) != 0 || len > Integer.MAX_VALUE) {
      throw new IOException("unexpected frame header from the server");
    }
    return new Frame(opcode, readFully((int) len));
  }

  private void sendFrame(int opcode, byte[] payload) throws IOException {
    writeFrame(FIN | opcode, payload);
  }

  private void writeFrame(int firstByte, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(firstByte);
    if (payload.length < 126) {
      frame.write(MASKED | payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.write(MASKED | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length);
    } else {
      frame.write(MASKED | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >> shift));
      }
    }
    byte[] mask = {0x12, 0x34, 0x56, 0x78};
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  private static int closeCode(byte[] payload) {
    return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
  }

  private static String closeReason(byte[] payload) {
    return payload.length <= 2 ? ""
        : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed before the response head ended: "
            + head.toString(StandardCharsets.ISO_8859_1));
      }
      received.write(b);
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - end.length);
  }

  private byte[] readFully(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new EOFException("connection closed after " + bytes.length + " of " + n + " bytes");
    }
    received.writeBytes(bytes);
    return bytes;
  }
}
