package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.wsproxy.CloseCodes;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound half of a {@link NettyWsChannel}: the last handler of a WebSocket pipeline, turning
 * Netty's frames into listener events. Whole messages are joined by a {@link MessageAssembler};
 * pings are answered; a close frame goes to the channel's close handshake; Netty's framing errors
 * (unmasked or masked frames on the wrong side, oversized frames, invalid UTF-8) fail the
 * connection with their code and our own reason.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
public final class FrameHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(FrameHandler.class);

  private final NettyWsChannel ws;

  FrameHandler(NettyWsChannel ws) {
    this.ws = ws;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg); // nothing else reaches a WebSocket pipeline's end
      return;
    }
    try {
      if (ws.ended()) {
        return; // failed or closed: what follows is dropped with the connection
      }
      if (frame instanceof CloseWebSocketFrame close) {
        ws.peerClosed(close);
      } else if (frame instanceof PingWebSocketFrame) {
        // a peer that does not read gets no more pongs once its buffer is full (RFC 6455 5.5.3
        // allows answering only the latest ping): a ping flood must not queue without bound
        if (!ws.closeSent() && ctx.channel().isWritable()) {
          ws.write(new PongWebSocketFrame(frame.content().retainedDuplicate()));
        }
        ByteBuffer data = copy(frame.content());
        ws.deliver(() -> ws.listener().onPing(ws, data), "onPing");
      } else if (frame instanceof PongWebSocketFrame) {
        ByteBuffer data = copy(frame.content());
        ws.deliver(() -> ws.listener().onPong(ws, data), "onPong");
      } else {
        dataFrame(frame);
      }
    } finally {
      frame.release();
    }
  }

  private void dataFrame(WebSocketFrame frame) {
    MessageAssembler.Result r = ws.assembler().add(frame);
    WsListener l = ws.listener();
    if (r == MessageAssembler.Result.INCOMPLETE || l == null) {
      return;
    }
    if (r == MessageAssembler.Result.TOO_BIG) {
      ws.fail(CloseCodes.MESSAGE_TOO_BIG, "Message too big");
      return;
    }
    ByteBuffer message = ws.assembler().take();
    try {
      if (r == MessageAssembler.Result.TEXT) {
        l.onText(ws, Text.ofValidUtf8(message));
      } else {
        l.onBinary(ws, message);
      }
    } catch (RuntimeException e) {
      ws.listenerFailed(r == MessageAssembler.Result.TEXT ? "onText" : "onBinary", e);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof VirtualMachineError) {
      ctx.fireExceptionCaught(cause); // out of memory: the server's fatal-error handler hears it
    }
    if (cause instanceof CorruptedWebSocketFrameException bad) {
      int code = bad.closeStatus().code();
      ws.fail(code, reasonFor(code));
      return;
    }
    if (ws.ended() || cause instanceof ClosedChannelException) {
      return; // a write raced the close: channelInactive reports the end
    }
    log.debug("{}: {}", ctx.channel(), cause.toString());
    ws.deliver(() -> ws.listener().onError(ws, cause), "onError");
    ctx.close(); // channelInactive reports the end
  }

  /** Our words for a close code, not the library's message. */
  static String reasonFor(int code) {
    return switch (code) {
      case CloseCodes.INVALID_PAYLOAD -> "Invalid UTF-8";
      case CloseCodes.MESSAGE_TOO_BIG -> "Message too big";
      default -> "Protocol error";
    };
  }

  /**
   * Ends here: frames end here too, so nothing behind this handler (the rest of a host's pipeline,
   * built for HTTP) has a read to complete, and the event would walk all of it once per read.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {}

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ws.checkWritable();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ws.inactive();
    ctx.fireChannelInactive();
  }

  private static ByteBuffer copy(ByteBuf content) {
    ByteBuffer out = ByteBuffer.allocate(content.readableBytes());
    content.getBytes(content.readerIndex(), out);
    return out.flip();
  }
}
