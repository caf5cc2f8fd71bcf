package io.wsproxy.netty.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket's handler for accept failures (descriptors exhausted, EMFILE): it stops
 * accepting for a moment instead of spinning on a socket that stays ready, logs one line without a
 * stack trace, and resumes. Connections already open are not affected.
 *
 * <p><b>Threading.</b> One per listening socket, on its event loop.
 */
@ChannelHandler.Sharable
public final class AcceptErrors extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(AcceptErrors.class);

  /** How long accepting pauses after a failure. */
  static final long PAUSE_MILLIS = 200;

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ctx.channel().config().isAutoRead()) {
      return; // already pausing
    }
    log.warn("accepting connections failed ({}); pausing {} ms", cause.toString(), PAUSE_MILLIS);
    ctx.channel().config().setAutoRead(false);
    ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), PAUSE_MILLIS,
        TimeUnit.MILLISECONDS);
  }
}
