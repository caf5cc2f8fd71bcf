package io.wsproxy.netty.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.wsproxy.Headers;
import java.util.function.BooleanSupplier;

/**
 * The ready server's answer to every request that is not a WebSocket upgrade: {@code GET /healthz}
 * is 200 "ok" while the server accepts (503 once it shuts down); anything else is 426 Upgrade
 * Required with a one-line body (a {@code HEAD} request gets the same head without the body). Each
 * answer closes the connection. It takes the ready server's {@link RequestHead}s and a host codec's
 * {@code HttpRequest}s alike.
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
      if (msg instanceof RequestHead head) {
        answer(ctx, head);
      } else if (msg instanceof HttpRequest req) {
        answer(ctx, UpgradeRequests.head(req));
      }
      // else request bodies and anything after an answer: dropped, the connection closes
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void answer(ChannelHandlerContext ctx, RequestHead req) {
    boolean head = "HEAD".equals(req.method());
    if (req.failure() != 0) {
      HttpReplies.replyAndClose(ctx, req.failure(), req.failureReason());
    } else if (HEALTH_PATH.equals(UpgradeRequests.path(req.target()))
        && ("GET".equals(req.method()) || head)) {
      boolean up = accepting.getAsBoolean();
      HttpReplies.replyAndClose(ctx, up ? 200 : 503, up ? "ok" : "shutting down", null, !head);
    } else {
      HttpReplies.replyAndClose(ctx, 426,
          "This is a WebSocket endpoint: connect with a WebSocket client",
          Headers.of("Upgrade", "websocket", "Sec-WebSocket-Version", UpgradeRequests.VERSION),
          !head);
    }
    ctx.channel().config().setAutoRead(false); // the answer ends the connection
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset or a decoding failure of a plain connection: nothing to tell anyone
  }
}
