package io.wsproxy.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Follows the server-to-client frame stream of one connection without copying payloads: it keeps
 * only the frame header it is in and how many payload bytes remain (and control frames' payloads:
 * a ping's to answer it, a close's to say why). A reader made with a data sink also shows it every
 * data frame's payload bytes as they pass (views of the input, valid during the call only).
 * Not thread-safe (one per connection).
 */
public final class FrameReader {

  private static final Consumer<ByteBuffer> NO_SINK = b -> { };

  private final Consumer<ByteBuffer> dataSink;

  private final byte[] header = new byte[14];
  private int headerLength;
  private long payloadLeft = -1; // -1: reading a header
  private int opcode;
  private boolean fin;
  private long messageBytes;
  private boolean closeReceived;
  private final byte[] control = new byte[125]; // a control frame's payload is at most 125
  private int controlLength;
  private byte[] ping; // payload of the latest ping not yet answered

  /** A reader that only counts data messages. */
  public FrameReader() {
    this(NO_SINK);
  }

  /** A reader that passes every data frame's payload bytes, in order, to {@code dataSink}. */
  public FrameReader(Consumer<ByteBuffer> dataSink) {
    this.dataSink = Objects.requireNonNull(dataSink, "dataSink");
  }

  /**
   * Consumes every byte of {@code in}.
   *
   * @return how many whole data messages (text or binary, however fragmented) ended in it
   * @throws IOException on a malformed header, or a data message whose size is not
   *                     {@code expectedSize} (when {@code expectedSize >= 0})
   */
  public int feed(ByteBuffer in, long expectedSize) throws IOException {
    int messages = 0;
    while (in.hasRemaining()) {
      if (payloadLeft < 0) {
        header[headerLength++] = in.get();
        int need = headerNeeded();
        if (headerLength < need) {
          continue;
        }
        payloadLeft = payloadLength();
        headerLength = 0;
      } else {
        int skip = (int) Math.min(payloadLeft, in.remaining());
        if (opcode >= 0x8) { // a ping's payload goes back in the pong; a close says why
          int keep = Math.min(skip, control.length - controlLength);
          in.get(in.position(), control, controlLength, keep);
          controlLength += keep;
        } else if (dataSink != NO_SINK && skip > 0) {
          dataSink.accept(in.slice(in.position(), skip));
        }
        in.position(in.position() + skip);
        payloadLeft -= skip;
      }
      if (payloadLeft == 0) {
        payloadLeft = -1;
        if (endFrame(expectedSize)) {
          messages++;
        }
      }
    }
    return messages;
  }

  /** Whether a close frame has arrived. */
  public boolean closeReceived() {
    return closeReceived;
  }

  /** The close frame's code and reason ({@code "1009 message too big"}), or "" before one. */
  public String closeStatus() {
    if (!closeReceived) {
      return "";
    }
    if (controlLength < 2) {
      return "(no code)";
    }
    int code = ((control[0] & 0xFF) << 8) | (control[1] & 0xFF);
    return code + " " + new String(control, 2, controlLength - 2, StandardCharsets.UTF_8);
  }

  /**
   * The payload of the latest ping since the last call, to answer with a pong (RFC 6455 allows
   * answering only the latest), or null.
   */
  public byte[] takePing() {
    byte[] p = ping;
    ping = null;
    return p;
  }

  private int headerNeeded() {
    if (headerLength < 2) {
      return 2;
    }
    int len7 = header[1] & 0x7F;
    int masked = (header[1] & 0x80) != 0 ? 4 : 0;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + masked;
  }

  private long payloadLength() throws IOException {
    fin = (header[0] & 0x80) != 0;
    opcode = header[0] & 0x0F;
    if (opcode >= 0x8) {
      controlLength = 0;
    }
    int len7 = header[1] & 0x7F;
    long len = len7;
    if (len7 == 126) {
      len = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    } else if (len7 == 127) {
      len = 0;
      for (int i = 2; i < 10; i++) {
        len = (len << 8) | (header[i] & 0xFF);
      }
      if (len < 0) {
        throw new IOException("frame length out of range");
      }
    }
    if (opcode < 0x8) {
      messageBytes += len;
    }
    return len;
  }

  /** Ends a frame; true when it ended a data message. */
  private boolean endFrame(long expectedSize) throws IOException {
    if (opcode == 0x8) {
      closeReceived = true;
      return false;
    }
    if (opcode == 0x9) {
      ping = Arrays.copyOf(control, controlLength);
      return false;
    }
    if (opcode >= 0x8 || !fin) {
      return false; // ping/pong, or a fragment of a longer message
    }
    long size = messageBytes;
    messageBytes = 0;
    if (expectedSize >= 0 && size != expectedSize) {
      throw new IOException("echo of " + size + " bytes, expected " + expectedSize);
    }
    return true;
  }
}
