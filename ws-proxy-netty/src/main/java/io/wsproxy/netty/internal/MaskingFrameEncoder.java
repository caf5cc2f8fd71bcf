package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The upstream leg's frame encoder: every frame a client sends must be masked (RFC 6455 section
 * 5.3), which makes this the one place a relayed payload is touched byte by byte. Netty's own
 * encoder masks eight bytes at a time through {@code ByteBuf.writeLong} with a bounds and capacity
 * check per step, which a profile of the 1 MiB relay showed as most of the proxy's user CPU; this
 * one masks while copying the payload into the frame (one pass over it, reading eight bytes at a time
 * from a heap payload, the relay's usual case) or copies and then masks the copy in place (a direct
 * payload). The frame is a direct buffer, so the socket write needs no further copy. Header layout and
 * the checks are those of RFC 6455 section 5.2; the masking key comes from {@link ThreadLocalRandom},
 * as Netty's default mask generator does.
 *
 * <p><b>Threading.</b> Stateless; sharable by every pipeline.
 */
@ChannelHandler.Sharable
final class MaskingFrameEncoder extends MessageToMessageEncoder<WebSocketFrame> {

  /** The one instance; it holds no state. */
  static final MaskingFrameEncoder INSTANCE = new MaskingFrameEncoder();

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final int MAX_CONTROL_PAYLOAD = 125;

  private MaskingFrameEncoder() {
    super(WebSocketFrame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    ByteBuf data = frame.content();
    int length = data.readableBytes();
    int opcode = opcode(frame);
    if (opcode >= 0x8 && length > MAX_CONTROL_PAYLOAD) {
      throw new TooLongFrameException("control frame payload over 125 bytes: " + length);
    }
    int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf buf = ctx.alloc().directBuffer(header + 4 + length);
    try {
      buf.writeByte((frame.isFinalFragment() ? 0x80 : 0) | (frame.rsv() & 0x7) << 4 | opcode);
      if (length <= 125) {
        buf.writeByte(0x80 | length);
      } else if (length <= 0xFFFF) {
        buf.writeByte(0x80 | 126);
        buf.writeShort(length);
      } else {
        buf.writeByte(0x80 | 127);
        buf.writeLong(length);
      }
      int mask = ThreadLocalRandom.current().nextInt();
      buf.writeInt(mask);
      int start = buf.writerIndex();
      if (buf.nioBufferCount() != 1) { // not one region of memory: a view would be a copy
        buf.writeBytes(data, data.readerIndex(), length);
        maskSlowly(buf, start, length, mask);
      } else if (data.hasArray()) {
        buf.writerIndex(start + length);
        maskInto(data.array(), data.arrayOffset() + data.readerIndex(), buf.nioBuffer(start, length),
            length, mask);
      } else {
        buf.writeBytes(data, data.readerIndex(), length);
        maskInPlace(buf.nioBuffer(start, length), length, mask);
      }
      out.add(buf);
      buf = null;
    } finally {
      if (buf != null) {
        buf.release();
      }
    }
  }

  /**
   * Writes {@code src[from, from + length)} masked with {@code mask} into {@code dst} (position 0 on,
   * sharing the frame's memory).
   */
  static void maskInto(byte[] src, int from, ByteBuffer dst, int length, int mask) {
    long wide = wide(mask);
    int i = 0;
    for (int end = length - 7; i < end; i += 8) {
      dst.putLong(i, (long) LONGS.get(src, from + i) ^ wide);
    }
    for (; i < length; i++) {
      dst.put(i, (byte) (src[from + i] ^ keyByte(mask, i)));
    }
  }

  /** Masks {@code buf[0, length)} in place. */
  static void maskInPlace(ByteBuffer buf, int length, int mask) {
    long wide = wide(mask);
    int i = 0;
    for (int end = length - 7; i < end; i += 8) {
      buf.putLong(i, buf.getLong(i) ^ wide);
    }
    for (; i < length; i++) {
      buf.put(i, (byte) (buf.get(i) ^ keyByte(mask, i)));
    }
  }

  /** Masks {@code buf[start, start + length)} in place through the buffer's own accessors. */
  private static void maskSlowly(ByteBuf buf, int start, int length, int mask) {
    for (int i = 0; i < length; i++) {
      buf.setByte(start + i, buf.getByte(start + i) ^ keyByte(mask, i));
    }
  }

  /** The key twice, big-endian, matching eight payload bytes that start at a multiple of 4. */
  private static long wide(int mask) {
    return (long) mask << 32 | (mask & 0xFFFFFFFFL);
  }

  /** The key byte that masks payload byte {@code i} (the key is written big-endian). */
  private static int keyByte(int mask, int i) {
    return mask >>> (24 - 8 * (i & 3));
  }

  private static int opcode(WebSocketFrame frame) {
    if (frame instanceof BinaryWebSocketFrame) {
      return 0x2;
    }
    if (frame instanceof TextWebSocketFrame) {
      return 0x1;
    }
    if (frame instanceof ContinuationWebSocketFrame) {
      return 0x0;
    }
    if (frame instanceof CloseWebSocketFrame) {
      return 0x8;
    }
    if (frame instanceof PingWebSocketFrame) {
      return 0x9;
    }
    if (frame instanceof PongWebSocketFrame) {
      return 0xA;
    }
    throw new UnsupportedOperationException("not a WebSocket frame type: " + frame.getClass());
  }
}
