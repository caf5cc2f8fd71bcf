package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ready server's count of connections whose upgrade is not answered yet, from accept on: a
 * socket that sends nothing, or its request head one byte at a time, holds a descriptor as surely
 * as an upgrade being decided, so both count against the endpoint's {@code maxPendingHandshakes}.
 * A connection accepted over the cap is answered 503 at once and closed; one under it leaves the
 * count when its first response (the 101, or any refusal) is written, or when it closes.
 *
 * <p>The core's own pending count starts later (when the request reached the endpoint) and ends
 * earlier, so with this count in front it never refuses first on this server.
 *
 * <p><b>Threading.</b> The counter is shared by all connections of a server; each connection's
 * {@link #handler()} runs on its event loop.
 */
public final class PendingSockets {

  private static final Logger log = LoggerFactory.getLogger(PendingSockets.class);

  /** The reason of the refusal over the cap (the core's words for its own cap). */
  static final String TOO_MANY = "Too many pending handshakes";

  private final int cap;
  private final AtomicInteger pending = new AtomicInteger();

  /** @param cap most connections without an answered upgrade at once */
  public PendingSockets(int cap) {
    this.cap = cap;
  }

  /** Connections counted right now. */
  public int pending() {
    return pending.get();
  }

  /** A new handler for one connection; place it right after the HTTP codec. */
  public ChannelDuplexHandler handler() {
    return new ChannelDuplexHandler() {
      private boolean counted; // loop-confined

      @Override
      public void channelActive(ChannelHandlerContext ctx) throws Exception {
        counted = true;
        if (pending.incrementAndGet() > cap) {
          log.debug("{}: {} connections wait for their upgrade (cap {}); answering 503",
              ctx.channel(), pending.get() - 1, cap);
          ctx.channel().config().setAutoRead(false);
          HttpReplies.replyAndClose(ctx, 503, TOO_MANY);
          return; // the rest of the pipeline never hears of it
        }
        super.channelActive(ctx);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
          throws Exception {
        // the first response: an HTTP one, or the 101 the upgrade writes as bytes
        boolean answer = msg instanceof HttpResponse || msg instanceof ByteBuf;
        ctx.write(msg, promise);
        if (answer) {
          release();
          ctx.pipeline().remove(this); // answered: from here the connection's caps apply
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        super.channelInactive(ctx);
      }

      private void release() {
        if (counted) {
          counted = false;
          pending.decrementAndGet();
        }
      }
    };
  }
}
