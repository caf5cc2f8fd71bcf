package io.wsproxy.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket's handler for accept failures (descriptors exhausted, EMFILE): it stops
 * accepting for a moment instead of spinning on a socket that stays ready, and resumes. Connections
 * already open are not affected. It logs one WARN per episode (from the first failure to the next
 * accepted connection, which logs one INFO line with the number of pauses), without a stack trace.
 *
 * <p><b>Threading.</b> One per listening socket (not sharable), on its event loop.
 */
public final class AcceptErrors extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(AcceptErrors.class);

  /** How long accepting pauses after a failure. */
  static final long PAUSE_MILLIS = 200;

  private long pauses; // in this episode; 0: accepting normally

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ctx.channel().config().isAutoRead()) {
      return; // already pausing
    }
    if (pauses++ == 0) {
      log.warn("accepting connections failed ({}); pausing accepts for {} ms at a time until it"
          + " works again; open connections are not affected", cause.toString(), PAUSE_MILLIS);
    }
    ctx.channel().config().setAutoRead(false);
    ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), PAUSE_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object child) {
    if (pauses > 0) {
      log.info("accepting connections again (paused {} times)", pauses);
      pauses = 0;
    }
    ctx.fireChannelRead(child);
  }
}
