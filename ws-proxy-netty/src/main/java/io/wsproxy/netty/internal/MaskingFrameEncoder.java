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
      if (data.hasArray() && buf.nioBufferCount() == 1) { // the relay's case: mask while copying
        buf.writerIndex(start + length);
        Masking.xorInto(data.array(), data.arrayOffset() + data.readerIndex(),
            buf.nioBuffer(start, length), length, mask);
      } else {
        buf.writeBytes(data, data.readerIndex(), length);
        Masking.xor(buf, start, length, mask);
      }
      out.add(buf);
      buf = null;
    } finally {
      if (buf != null) {
        buf.release();
      }
    }
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
