package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes a client sent right behind its upgrade request, before it had the 101: a pipelining
 * client's first frames. HTTP decoding stops at the upgrade request (the decoder is taken out, and
 * hands over what it had buffered); the bytes wait here, and go to the WebSocket frame decoder once
 * it is in place, ahead of anything read later. The first of them turn reading off until then
 * (the channel's auto-read: the read they came in ends there), so at most one read's worth
 * arrives; more than {@link #MAX_BYTES} closes the connection.
 *
 * <p><b>Threading.</b> One per upgrade request, on the channel's event loop.
 */
public final class EarlyBytes {

  private static final Logger log = LoggerFactory.getLogger(EarlyBytes.class);

  /** Most bytes held behind an upgrade request. */
  static final int MAX_BYTES = 1024 * 1024;

  private CompositeByteBuf held;
  private boolean done; // fed or released: later bytes are dropped

  /**
   * Stops HTTP decoding on {@code p}: the request decoder leaves the pipeline and fires what it had
   * buffered (the client's early frames) to the handlers after it, which pass it to {@link #add}.
   */
  public static void stopHttpDecoding(ChannelPipeline p) {
    HttpServerCodec codec = p.get(HttpServerCodec.class);
    if (codec != null) {
      codec.removeInboundHandler(); // the encoder half stays for the 101 or the refusal
    } else if (p.get(HttpRequestDecoder.class) != null) {
      p.remove(HttpRequestDecoder.class);
    } else if (p.get(RequestHeadDecoder.class) != null) {
      p.remove(RequestHeadDecoder.class); // the ready server's
    }
  }

  /** Holds {@code bytes} (taking them over); the first turn reading off. */
  public void add(ChannelHandlerContext ctx, ByteBuf bytes) {
    if (done) {
      bytes.release();
      return;
    }
    if (held == null) {
      ctx.channel().config().setAutoRead(false); // back on when the WebSocket opens
      held = ctx.alloc().compositeBuffer();
    }
    held.addComponent(true, bytes);
    if (held.readableBytes() > MAX_BYTES) {
      log.debug("{}: over {} bytes behind the upgrade request; closing", ctx.channel(), MAX_BYTES);
      release();
      ctx.close();
    }
  }

  /** Hands the held bytes to {@code p}'s WebSocket frame decoder; later bytes are dropped. */
  void feed(ChannelPipeline p) {
    done = true;
    CompositeByteBuf b = held;
    held = null;
    if (b == null) {
      return;
    }
    ChannelHandlerContext decoder = p.context(FrameReader.class);
    if (decoder == null) {
      b.release();
      return;
    }
    try {
      // straight in: firing from the pipeline's head would pass TLS again
      ((ChannelInboundHandler) decoder.handler()).channelRead(decoder, b);
    } catch (Exception e) {
      decoder.fireExceptionCaught(e);
    }
  }

  /** Drops the held bytes (the upgrade was refused or the client left). */
  void release() {
    done = true;
    if (held != null) {
      held.release();
      held = null;
    }
  }
}
