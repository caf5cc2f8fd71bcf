package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.wsproxy.Headers;

/**
 * Plain HTTP answers: a status with a one-line text/plain body, then the connection is closed
 * ({@code Connection: close}), so a refused or stray request never leaves a half-parsed connection.
 *
 * <p><b>Threading.</b> Call on the channel's event loop.
 */
public final class HttpReplies {

  private HttpReplies() {}

  /**
   * Writes {@code status} with {@code body} (a newline is added) and {@code extra} headers, then
   * closes the connection once written.
   */
  public static ChannelFuture replyAndClose(ChannelHandlerContext ctx, int status, String body,
      Headers extra) {
    return replyAndClose(ctx, status, body, extra, true);
  }

  /**
   * {@link #replyAndClose(ChannelHandlerContext, int, String, Headers)}, without the body's bytes
   * when {@code withBody} is false (the answer to a {@code HEAD} request: the same headers, its
   * {@code Content-Length} included).
   */
  public static ChannelFuture replyAndClose(ChannelHandlerContext ctx, int status, String body,
      Headers extra, boolean withBody) {
    ByteBuf content = ByteBufUtil.writeUtf8(ctx.alloc(), body + "\n");
    int length = content.readableBytes();
    if (!withBody) {
      content.release();
      content = Unpooled.EMPTY_BUFFER;
    }
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(status), content);
    if (extra != null) {
      extra.forEach(res.headers()::add);
    }
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }

  /** {@link #replyAndClose(ChannelHandlerContext, int, String, Headers)} with no extra header. */
  public static ChannelFuture replyAndClose(ChannelHandlerContext ctx, int status, String body) {
    return replyAndClose(ctx, status, body, null);
  }
}
