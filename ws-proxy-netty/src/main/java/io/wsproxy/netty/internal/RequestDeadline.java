package io.wsproxy.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request head has not arrived within the deadline (an idle socket, a
 * slowloris), then leaves the pipeline once it has: from there the upgrade's own deadline applies.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
public final class RequestDeadline extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

  private final long nanos;
  private ScheduledFuture<?> timer;

  /** @param deadline time from accept to a whole request head */
  public RequestDeadline(Duration deadline) {
    this.nanos = deadline.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> {
      log.debug("{}: no request within the handshake timeout; closing", ctx.channel());
      ctx.close();
    }, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest || msg instanceof RequestHead) {
      cancel();
      ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
