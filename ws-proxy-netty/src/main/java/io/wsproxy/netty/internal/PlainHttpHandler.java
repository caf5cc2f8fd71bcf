package io.wsproxy.netty.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.wsproxy.Headers;
import java.util.function.BooleanSupplier;

/**
 * The ready server's answer to every request that is not a WebSocket upgrade: {@code GET /healthz}
 * is 200 "ok" while the server accepts (503 once it shuts down); anything else is 426 Upgrade
 * Required with a one-line body. Each answer closes the connection.
 *
 * <p><b>Threading.</b> Sharable and stateless; runs on the channels' event loops.
 */
@ChannelHandler.Sharable
public final class PlainHttpHandler extends ChannelInboundHandlerAdapter {

  /** The health check path. */
  public static final String HEALTH_PATH = "/healthz";

  private final BooleanSupplier accepting;

  /** @param accepting whether the server still accepts connections */
  public PlainHttpHandler(BooleanSupplier accepting) {
    this.accepting = accepting;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof HttpRequest req)) {
        return; // request bodies and anything after an answer: dropped, the connection closes
      }
      if (req.decoderResult().isFailure()) {
        boolean tooLong = req.decoderResult().cause() instanceof TooLongFrameException;
        HttpReplies.replyAndClose(ctx, tooLong ? 431 : 400,
            tooLong ? "Request header fields too large" : "Bad request");
      } else if (HEALTH_PATH.equals(UpgradeRequests.path(req.uri()))
          && (HttpMethod.GET.equals(req.method()) || HttpMethod.HEAD.equals(req.method()))) {
        boolean up = accepting.getAsBoolean();
        HttpReplies.replyAndClose(ctx, up ? 200 : 503, up ? "ok" : "shutting down");
      } else {
        HttpReplies.replyAndClose(ctx, 426,
            "This is a WebSocket endpoint: connect with a WebSocket client",
            Headers.of("Upgrade", "websocket", "Sec-WebSocket-Version", UpgradeRequests.VERSION));
      }
      ctx.channel().config().setAutoRead(false); // the answer ends the connection
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset or a decoding failure of a plain connection: nothing to tell anyone
  }
}
