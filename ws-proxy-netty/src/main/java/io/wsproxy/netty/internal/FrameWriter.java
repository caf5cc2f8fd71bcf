package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes one whole WebSocket frame (RFC 6455 section 5.2) into a direct buffer: header, masking key
 * when the frame goes from a client, payload (masked while it is copied). The relay's data frames
 * are written this way straight from the message the SPI hands over, so a relayed message costs one
 * buffer and no frame object, no wrapping buffer and no encoder in the pipeline; Netty's own objects
 * (control frames, close) are framed by the legs' encoders, the upstream leg's with this too. The masking key
 * comes from {@link ThreadLocalRandom}, as Netty's default mask generator does.
 *
 * <p><b>Threading.</b> Stateless; any thread (the allocators are thread-safe).
 */
final class FrameWriter {

  /** First header byte of a whole text message: FIN and opcode 1. */
  static final int FINAL_TEXT = 0x81;
  /** First header byte of a whole binary message: FIN and opcode 2. */
  static final int FINAL_BINARY = 0x82;

  private FrameWriter() {}

  /**
   * A frame whose first header byte (FIN, RSV, opcode) is {@code first}, carrying {@code payload}'s
   * remaining bytes (its position is not moved), masked when {@code masked}.
   *
   * <p>Whatever the payload's memory (a relayed binary message is a heap array, a relayed text's
   * bytes a read-only view), the header goes in with one or two absolute writes and the payload
   * with one copy by absolute indexes, masked while it is copied, and the payload is never
   * duplicated. (A masked or array-less payload still costs one {@code ByteBuffer}: Netty's
   * pooled buffers answer {@code internalNioBuffer} with a fresh slice of their chunk.)
   */
  static ByteBuf frame(ByteBufAllocator alloc, int first, boolean masked, ByteBuffer payload) {
    int length = payload.remaining();
    ByteBuf buf = alloc.directBuffer(headerLength(length, masked) + length);
    try {
      write(buf, first, masked, payload);
      ByteBuf out = buf;
      buf = null;
      return out;
    } finally {
      if (buf != null) {
        buf.release();
      }
    }
  }

  /**
   * Writes the frame {@link #frame} makes into {@code buf} from index 0 on ({@code buf}'s capacity
   * at least the frame's), sets its writer index at the frame's end, and answers the frame's
   * length. {@link DirectWrite}'s scratch buffer is framed this way too.
   *
   * @throws IndexOutOfBoundsException if the frame does not fit in {@code buf}'s capacity
   */
  static int write(ByteBuf buf, int first, boolean masked, ByteBuffer payload) {
    int length = payload.remaining();
    int start = headerLength(length, masked);
    int mask = header(buf, first, length, masked);
    if (payload.hasArray() && !masked) {
      buf.setBytes(start, payload.array(), payload.arrayOffset() + payload.position(), length);
    } else if (buf.nioBufferCount() == 1) {
      ByteBuffer out = buf.internalNioBuffer(start, length);
      if (masked && payload.hasArray()) { // mask while copying
        Masking.xorInto(payload.array(), payload.arrayOffset() + payload.position(), out, length,
            mask);
      } else if (masked) {
        Masking.xorInto(payload, out, length, mask);
      } else { // absolute: the payload's position stays, no duplicate needed
        out.put(out.position(), payload, payload.position(), length);
      }
    } else {
      buf.setBytes(start, payload.duplicate());
      if (masked) {
        Masking.xor(buf, start, length, mask);
      }
    }
    buf.writerIndex(start + length);
    return start + length;
  }

  /** Header bytes of a frame with {@code length} payload bytes, the masking key included. */
  static int headerLength(int length, boolean masked) {
    return (length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10) + (masked ? 4 : 0);
  }

  /**
   * Writes the header at index 0 of {@code buf} (fresh, its capacity the whole frame's): {@code
   * first} (FIN, RSV, opcode), the length in its shortest form and, when {@code masked}, a fresh
   * masking key, which it answers (0 when not masked). Absolute writes: no capacity check per field.
   */
  private static int header(ByteBuf buf, int first, int length, boolean masked) {
    int maskBit = masked ? 0x80 : 0;
    int at;
    if (length <= 125) {
      buf.setShort(0, first << 8 | maskBit | length);
      at = 2;
    } else if (length <= 0xFFFF) {
      buf.setInt(0, first << 24 | (maskBit | 126) << 16 | length);
      at = 4;
    } else {
      buf.setShort(0, first << 8 | maskBit | 127);
      buf.setLong(2, length);
      at = 10;
    }
    if (!masked) {
      return 0;
    }
    int mask = ThreadLocalRandom.current().nextInt();
    buf.setInt(at, mask);
    return mask;
  }
}
