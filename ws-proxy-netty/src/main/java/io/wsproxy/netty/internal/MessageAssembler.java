package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * Joins the payload runs of one message (its fragments, or one frame split across reads) as the
 * {@link FrameDecoder} meets them, copying them out of Netty's pooled read buffers once, into an
 * unpooled heap buffer whose array the listener then owns. Sizes and frame order are the decoder's
 * business (it checks them from the frame headers, before any payload arrives).
 *
 * <p><b>Threading.</b> Confined to the channel's event loop.
 */
final class MessageAssembler {

  /** First capacity of a message's buffer; it doubles as runs arrive. */
  private static final int FIRST_CAPACITY = 4096;

  private final int maxMessageSize;
  // the runs so far, copied (a flood of tiny fragments must not pin one pooled chunk each)
  private ByteBuf parts;

  MessageAssembler(int maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
  }

  /** Copies {@code src[from, from + length)} behind what the message holds so far. */
  void append(ByteBuf src, int from, int length) {
    if (parts == null) {
      parts = Unpooled.buffer(Math.min(FIRST_CAPACITY, maxMessageSize), maxMessageSize);
    }
    parts.writeBytes(src, from, length);
  }

  /** The whole message (empty when nothing was appended); the assembler starts over. */
  ByteBuffer take() {
    ByteBuf p = parts;
    if (p == null) {
      return ByteBuffer.allocate(0);
    }
    parts = null; // unpooled heap: the listener owns its array now, nothing to release
    return ByteBuffer.wrap(p.array(), p.arrayOffset(), p.readableBytes()).slice();
  }

  /** Drops a message in progress (the connection ended). */
  void release() {
    if (parts != null) {
      parts.release();
      parts = null;
    }
  }
}
