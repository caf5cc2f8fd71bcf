package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;

/**
 * Joins the frames of one message and copies the payload out of Netty's pooled buffers once, into a
 * heap {@link ByteBuffer} the listener then owns (fragments are copied as they come). Frame order (a continuation only inside a message,
 * no new message inside one) is already enforced by Netty's frame decoder.
 *
 * <p><b>Threading.</b> Confined to the channel's event loop.
 */
final class MessageAssembler {

  /** What {@link #add} found. */
  enum Result { INCOMPLETE, TEXT, BINARY, TOO_BIG }

  /** First capacity of a fragmented message's buffer; it doubles as fragments arrive. */
  private static final int FIRST_CAPACITY = 4096;

  private final int maxMessageSize;
  // the fragments so far, copied (a flood of tiny fragments must not pin one pooled chunk each);
  // an unpooled heap buffer, so the whole message is handed over without another copy
  private ByteBuf parts;
  private boolean text;
  private ByteBuffer message; // the last whole message, until taken

  MessageAssembler(int maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Adds a text, binary or continuation frame (the caller keeps and releases it). On
   * {@link Result#TEXT} or {@link Result#BINARY}, {@link #take()} answers the whole message.
   */
  Result add(WebSocketFrame frame) {
    ByteBuf content = frame.content();
    if (parts == null) {
      if (frame instanceof ContinuationWebSocketFrame) {
        return Result.INCOMPLETE; // cannot happen: the decoder refuses it
      }
      boolean isText = frame instanceof TextWebSocketFrame;
      if (content.readableBytes() > maxMessageSize) {
        return Result.TOO_BIG;
      }
      if (frame.isFinalFragment()) {
        message = copy(content); // the usual case: one frame, no joining
        return isText ? Result.TEXT : Result.BINARY;
      }
      text = isText;
      parts = Unpooled.buffer(Math.min(FIRST_CAPACITY, maxMessageSize), maxMessageSize);
    }
    if (parts.readableBytes() + (long) content.readableBytes() > maxMessageSize) {
      release();
      return Result.TOO_BIG;
    }
    parts.writeBytes(content, content.readerIndex(), content.readableBytes());
    if (!frame.isFinalFragment()) {
      return Result.INCOMPLETE;
    }
    message = ByteBuffer.wrap(parts.array(), parts.arrayOffset(), parts.readableBytes()).slice();
    parts = null; // unpooled heap: the listener owns its array now, nothing to release
    return text ? Result.TEXT : Result.BINARY;
  }

  /** The message {@link #add} completed. */
  ByteBuffer take() {
    ByteBuffer m = message;
    message = null;
    return m;
  }

  /** Drops a message in progress (the connection ended). */
  void release() {
    if (parts != null) {
      parts.release();
      parts = null;
    }
  }

  private static ByteBuffer copy(ByteBuf content) {
    ByteBuffer out = ByteBuffer.allocate(content.readableBytes());
    content.getBytes(content.readerIndex(), out);
    return out.flip();
  }
}
