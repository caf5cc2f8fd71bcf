package io.wsproxy.javawebsocket.internal.workarounds;

import io.wsproxy.CloseCodes;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks the frame headers of one connection's incoming byte stream before Java-WebSocket 1.6.0
 * decodes it, working around these defects of its {@code Draft_6455}:
 * <ul>
 *   <li><b>Unmasked client frames accepted.</b> It never looks at the mask bit; RFC 6455 section 5.1
 *       makes an unmasked client frame (or a masked server frame) a protocol error: 1002.</li>
 *   <li><b>Close reason not validated.</b> A close frame whose reason is invalid UTF-8 makes it throw
 *       a {@code NullPointerException} that its worker logs and ignores: no close, data after it
 *       still relayed. Here it is 1007; a close payload of one byte or an unsendable code is 1002.</li>
 *   <li><b>One limit for frames and messages.</b> It checks frames and joined messages against one
 *       number. Here frames are held to {@code maxFrameSize} and messages to
 *       {@code maxMessageSize} (1009 beyond), and the draft gets the message limit.</li>
 *   <li><b>Errors logged as ERROR with stack traces, its own close reasons.</b> Fragment sequence
 *       errors, reserved bits and opcodes, oversized or fragmented control frames and non-minimal
 *       length encodings are caught here, before its code logs them, and close with this module's
 *       reasons ({@code "Protocol error"}, {@code "Message too big"}) rather than its own
 *       ({@code "Payloadsize is to big..."}).</li>
 * </ul>
 *
 * <p>{@link #scan} follows frame boundaries across buffers without moving the buffer's position and
 * reports where the first bad frame starts, so the frames before it are still delivered. Used by one
 * connection's decoding thread; not thread-safe.
 */
public final class FrameChecks {

  /** A reason to fail the connection: the close code and the reason sent to the peer. */
  public record Violation(int code, String reason, String detail) {}

  public static final String PROTOCOL_ERROR = "Protocol error";
  public static final String MESSAGE_TOO_BIG = "Message too big";
  public static final String INVALID_UTF8 = "Invalid UTF-8";

  private static final int MAX_CONTROL_PAYLOAD = 125;

  private final boolean expectMasked;
  private final int maxFrameSize;
  private final long maxMessageSize;

  private final byte[] header = new byte[14];
  private int headerLength; // bytes of the current header seen so far
  private long payloadLeft; // payload bytes of the current frame not yet passed
  private boolean inClose;
  private final byte[] closePayload = new byte[MAX_CONTROL_PAYLOAD];
  private int closeLength;
  private int closeExpected; // the close frame's payload length
  private boolean fragmented; // a data message was started without FIN
  private long messageBytes;
  private Violation violation;

  /**
   * @param expectMasked   whether the peer must mask its frames (it is a client)
   * @param maxFrameSize   largest frame payload accepted
   * @param maxMessageSize largest message, fragments joined
   */
  public FrameChecks(boolean expectMasked, int maxFrameSize, long maxMessageSize) {
    this.expectMasked = expectMasked;
    this.maxFrameSize = maxFrameSize;
    this.maxMessageSize = maxMessageSize;
  }

  /** The violation found by {@link #scan}, or {@code null}. */
  public Violation violation() {
    return violation;
  }

  /**
   * Scans {@code buf}'s remaining bytes. Returns -1 when they are all acceptable so far, else the
   * index in {@code buf} where the first bad frame starts (its position when the frame started in
   * an earlier buffer). Once a violation was found, every later buffer is refused from its start.
   */
  public int scan(ByteBuffer buf) {
    if (violation != null) {
      return buf.position();
    }
    int i = buf.position();
    int end = buf.limit();
    int frameStart = i; // a frame begun in an earlier buffer "starts" here
    while (i < end) {
      if (payloadLeft > 0) {
        int n = (int) Math.min(payloadLeft, end - i);
        if (inClose) {
          boolean masked = (header[1] & 0x80) != 0;
          for (int k = 0; k < n; k++) {
            byte mask = masked ? header[headerLength - 4 + (closeLength & 3)] : 0;
            closePayload[closeLength++] = (byte) (buf.get(i + k) ^ mask);
          }
        }
        i += n;
        payloadLeft -= n;
        if (payloadLeft == 0 && inClose && !closeFrameValid()) {
          return frameStart;
        }
        if (payloadLeft == 0) {
          headerLength = 0;
        }
        continue;
      }
      if (headerLength == 0) {
        frameStart = i;
      }
      header[headerLength++] = buf.get(i++);
      if (headerLength >= 2 && headerLength == headerSize()) {
        if (!headerValid()) {
          return frameStart;
        }
        if (payloadLeft == 0) {
          if (inClose && !closeFrameValid()) {
            return frameStart;
          }
          headerLength = 0;
        }
      }
    }
    return -1;
  }

  private int headerSize() {
    int len7 = header[1] & 0x7f;
    int ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    return 2 + ext + ((header[1] & 0x80) != 0 ? 4 : 0);
  }

  private boolean headerValid() {
    boolean fin = (header[0] & 0x80) != 0;
    int opcode = header[0] & 0x0f;
    boolean masked = (header[1] & 0x80) != 0;
    int len7 = header[1] & 0x7f;
    long length = len7;
    if (len7 == 126) {
      length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
      if (length < 126) {
        return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "non-minimal length");
      }
    } else if (len7 == 127) {
      length = 0;
      for (int k = 2; k < 10; k++) {
        length = (length << 8) | (header[k] & 0xff);
      }
      if (length < 0x10000) { // also catches the sign bit
        return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "non-minimal length");
      }
    }
    if ((header[0] & 0x70) != 0) {
      return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "reserved bits set");
    }
    if (masked != expectMasked) {
      return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR,
          expectMasked ? "unmasked client frame" : "masked server frame");
    }
    if (opcode >= 8) {
      if (opcode > 10) {
        return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "reserved opcode " + opcode);
      }
      if (!fin || length > MAX_CONTROL_PAYLOAD) {
        return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "fragmented or long control frame");
      }
      inClose = opcode == 8;
      if (inClose) {
        if (length == 1) {
          return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "close payload of one byte");
        }
        closeLength = 0;
        closeExpected = (int) length;
      }
    } else {
      inClose = false;
      if (opcode > 2) {
        return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "reserved opcode " + opcode);
      }
      if (opcode == 0 ? !fragmented : fragmented) {
        return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "bad fragment sequence");
      }
      if (length > maxFrameSize) {
        return fail(CloseCodes.MESSAGE_TOO_BIG, MESSAGE_TOO_BIG, "frame of " + length + " bytes");
      }
      messageBytes = (opcode == 0 ? messageBytes : 0) + length;
      if (messageBytes > maxMessageSize) {
        return fail(CloseCodes.MESSAGE_TOO_BIG, MESSAGE_TOO_BIG, "message over " + maxMessageSize);
      }
      fragmented = !fin;
    }
    payloadLeft = length;
    return true;
  }

  /** Called once a close frame's payload is complete (unmasked as it was captured). */
  private boolean closeFrameValid() {
    inClose = false;
    if (closeExpected == 0) {
      return true; // no code: reported as 1005 (see EmptyCloseFrame)
    }
    int code = ((closePayload[0] & 0xff) << 8) | (closePayload[1] & 0xff);
    if (!CloseCodes.isSendable(code)) {
      return fail(CloseCodes.PROTOCOL_ERROR, PROTOCOL_ERROR, "close code " + code);
    }
    return isUtf8(ByteBuffer.wrap(closePayload, 2, closeLength - 2))
        || fail(CloseCodes.INVALID_PAYLOAD, INVALID_UTF8, "close reason is not UTF-8");
  }

  /** Whether {@code bytes}' remaining bytes are valid UTF-8 (the buffer is not moved). */
  public static boolean isUtf8(ByteBuffer bytes) {
    return decodes(bytes, true);
  }

  /**
   * Whether {@code bytes}' remaining bytes can begin valid UTF-8: valid, except that the last
   * character may be cut (up to three bytes of it, completed by the next fragment; RFC 6455
   * section 5.6 allows a text message's characters to be split between fragments). The buffer is not
   * moved. Java-WebSocket 1.6.0 validates a first text fragment as if it were a whole message
   * ({@code Draft_6455.processFrameContinuousAndNonFin}) and fails such messages with 1007; the
   * draft checks first fragments here instead, and the whole message once it is joined.
   */
  public static boolean isUtf8Prefix(ByteBuffer bytes) {
    return decodes(bytes, false);
  }

  /**
   * Decodes {@code bytes}' remaining bytes strictly; {@code whole}: they are all of the text, else a
   * cut last character is left over (at most three bytes) and waits for more.
   */
  private static boolean decodes(ByteBuffer bytes, boolean whole) {
    ByteBuffer in = bytes.duplicate();
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer out = CharBuffer.allocate(Math.max(1, in.remaining())); // a char or two per 1-4 bytes
    if (decoder.decode(in, out, whole).isError()) {
      return false;
    }
    return whole ? !decoder.flush(out).isError() && !in.hasRemaining() : in.remaining() < 4;
  }

  private boolean fail(int code, String reason, String detail) {
    violation = new Violation(code, reason, detail);
    return false;
  }
}
