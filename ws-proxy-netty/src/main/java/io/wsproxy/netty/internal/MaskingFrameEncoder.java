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
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import java.util.List;

/**
 * The upstream leg's encoder of Netty's frame objects: every frame a client sends must be masked
 * (RFC 6455 section 5.3). Relayed data frames do not come through here: {@link NettyWsChannel}
 * writes them whole with {@link FrameWriter}, masking while it copies the message. What does is
 * what Netty's objects carry: pings, pongs, close frames, framed by the same {@link FrameWriter}.
 * Netty's own encoder masks through {@code ByteBuf.writeLong} with a bounds and capacity check per
 * eight bytes. Header layout and the checks are those of RFC 6455 section 5.2.
 *
 * <p><b>Threading.</b> Stateless; sharable by every pipeline.
 */
@ChannelHandler.Sharable
final class MaskingFrameEncoder extends MessageToMessageEncoder<WebSocketFrame>
    implements WebSocketFrameEncoder {

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
    int first = (frame.isFinalFragment() ? 0x80 : 0) | (frame.rsv() & 0x7) << 4 | opcode;
    out.add(FrameWriter.frame(ctx.alloc(), first, true, data.nioBuffer(data.readerIndex(), length)));
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
