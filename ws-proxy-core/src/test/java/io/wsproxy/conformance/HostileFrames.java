package io.wsproxy.conformance;

import io.wsproxy.CloseCodes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Hand-made WebSocket frames that RFC 6455 forbids, for the hostile-input cases: each is written as
 * raw bytes by a client (masked, as a client's frames must be) or by an upstream (unmasked), and
 * the receiving leg of the proxy must fail the connection with the violation's close code. Section
 * numbers are RFC 6455's.
 */
final class HostileFrames {

  private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

  /**
   * One forbidden input.
   *
   * @param name  what is wrong with it, for assertion messages
   * @param bytes the bytes on the wire, given whether the sender masks (a client) or not
   * @param code  the close code the receiving leg must answer with
   */
  record Violation(String name, Function<Boolean, byte[]> bytes, int code) {
    @Override
    public String toString() {
      return name;
    }
  }

  private HostileFrames() {}

  /** Every violation the kit sends, on either leg. */
  static List<Violation> all() {
    List<Violation> v = new ArrayList<>();
    // 5.2: "the minimal number of bytes MUST be used to encode the length"
    v.add(protocol("a 16-bit length field carrying 5",
        m -> frame(0x81, 126, be(5, 2), utf8("hello"), m)));
    v.add(protocol("a 64-bit length field carrying 200",
        m -> frame(0x82, 127, be(200, 8), new byte[200], m)));
    v.add(protocol("a 64-bit length field carrying 65,535",
        m -> frame(0x82, 127, be(65_535, 8), new byte[65_535], m)));
    v.add(protocol("a 64-bit length with the most significant bit set",
        m -> frame(0x82, 127, new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 5}, new byte[0], m)));
    // 5.2: reserved bits without a negotiated extension; reserved opcodes
    v.add(protocol("RSV1 set", m -> minimal(0xC1, utf8("x"), m)));
    v.add(protocol("RSV2 set", m -> minimal(0xA1, utf8("x"), m)));
    v.add(protocol("RSV3 set", m -> minimal(0x91, utf8("x"), m)));
    v.add(protocol("reserved data opcode 0x3", m -> minimal(0x83, utf8("x"), m)));
    v.add(protocol("reserved control opcode 0xB", m -> minimal(0x8B, utf8("x"), m)));
    // 5.5: control frames are never fragmented and carry at most 125 bytes
    v.add(protocol("a fragmented ping", m -> minimal(0x09, utf8("x"), m)));
    v.add(protocol("a ping of 126 bytes", m -> frame(0x89, 126, be(126, 2), new byte[126], m)));
    // 5.4: fragments of one message, in order, nothing else interleaved but control frames
    v.add(protocol("a continuation frame with no message started",
        m -> minimal(0x80, utf8("x"), m)));
    v.add(protocol("a text frame inside a fragmented message",
        m -> concat(minimal(0x01, utf8("a"), m), minimal(0x81, utf8("b"), m))));
    // 5.5.1 and 7.4: a close body is empty or a valid code, then UTF-8
    v.add(protocol("a close frame with a 1-byte payload",
        m -> minimal(0x88, new byte[] {0x03}, m)));
    for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
      v.add(protocol("close code " + code + " on the wire", m -> minimal(0x88, be(code, 2), m)));
    }
    // 8.1: text is UTF-8, close reasons too
    v.add(new Violation("a text message that is not UTF-8",
        m -> minimal(0x81, new byte[] {(byte) 0xC3, 0x28}, m), CloseCodes.INVALID_PAYLOAD));
    v.add(new Violation("a first text fragment that is not UTF-8",
        m -> concat(minimal(0x01, new byte[] {'a', (byte) 0xFF}, m), minimal(0x80, utf8("b"), m)),
        CloseCodes.INVALID_PAYLOAD));
    // a character may be cut between fragments (5.6), but what joins must be UTF-8
    v.add(new Violation("text fragments that join into invalid UTF-8",
        m -> concat(minimal(0x01, new byte[] {'a', (byte) 0xE2, (byte) 0x82}, m),
            minimal(0x80, utf8("x"), m)), CloseCodes.INVALID_PAYLOAD));
    v.add(new Violation("a close reason that is not UTF-8",
        m -> minimal(0x88, new byte[] {0x03, (byte) 0xE8, (byte) 0xFF, (byte) 0xFE}, m),
        CloseCodes.INVALID_PAYLOAD));
    return v;
  }

  /** A frame whose masking is the wrong way round for its sender (5.1). */
  static Violation wrongMasking() {
    return protocol("a frame masked the wrong way (5.1)", m -> minimal(0x81, utf8("m"), !m));
  }

  private static Violation protocol(String name, Function<Boolean, byte[]> bytes) {
    return new Violation(name, bytes, CloseCodes.PROTOCOL_ERROR);
  }

  /** A frame with the minimal length encoding. */
  static byte[] minimal(int b0, byte[] payload, boolean masked) {
    int n = payload.length;
    if (n < 126) {
      return frame(b0, n, new byte[0], payload, masked);
    }
    return n < 65_536 ? frame(b0, 126, be(n, 2), payload, masked)
        : frame(b0, 127, be(n, 8), payload, masked);
  }

  /**
   * A frame with its first byte, its 7-bit length code and the extended length bytes as given
   * (however wrong), then the payload, masked when {@code masked}.
   */
  static byte[] frame(int b0, int length7, byte[] extended, byte[] payload, boolean masked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b0);
    out.write((masked ? 0x80 : 0) | length7);
    out.writeBytes(extended);
    if (masked) {
      out.writeBytes(MASK);
    }
    for (int i = 0; i < payload.length; i++) {
      out.write(masked ? payload[i] ^ MASK[i % 4] : payload[i]);
    }
    return out.toByteArray();
  }

  /** {@code value} big-endian in {@code bytes} bytes. */
  static byte[] be(long value, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(8).putLong(value);
    byte[] out = new byte[bytes];
    System.arraycopy(b.array(), 8 - bytes, out, 0, bytes);
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
