package io.wsproxy.netty.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * What reads a connection {@link NettyWsChannel#fail failed}: it releases every byte read and passes
 * nothing on. A failed connection keeps reading until the peer closes (or the close timer cuts it),
 * so TCP drains and the FIN is seen and our close frame is not lost to an RST; but a client that
 * goes on flooding one-byte fragments after its 1009 would otherwise keep the event loop decoding,
 * unmasking and validating frames nobody wants, delaying every other connection on that loop. So
 * the frame decoder is replaced by this, and the handlers that only matter for frames (the
 * fair-reads budget and unmasker in front of it, the UTF-8 validator after it) are removed. The
 * {@link FrameHandler} stays: it still hears the end of the connection (the close timer is cancelled, the assembler
 * released) and writability.
 *
 * <p><b>Threading.</b> Stateless and shared; {@link #install} runs on the channel's event loop.
 */
@ChannelHandler.Sharable
final class DrainReads extends ChannelInboundHandlerAdapter {

  /** Its name in the pipeline. */
  static final String NAME = "ws-proxy-drain";
  private static final DrainReads INSTANCE = new DrainReads();

  private DrainReads() {}

  /**
   * Stops decoding frames on {@code p}: from now on what is read is released. Reading is turned on
   * (a paused failed connection would never see the peer's FIN). Idempotent; on the loop only.
   */
  static void install(ChannelPipeline p) {
    ChannelHandlerContext decoder = p.context(WebSocketFrameDecoder.class);
    if (decoder == null) {
      return; // installed already, or not framing yet
    }
    if (p.get(Utf8FrameValidator.class) != null) {
      p.remove(Utf8FrameValidator.class);
    }
    if (p.get(FairReads.class) != null) {
      p.remove(FairReads.class); // it drops the bytes it held for later turns
    }
    // replace, not remove: the bytes the decoder still holds (the rest of the read that failed)
    // are handed to the handler in its place, so they are released here rather than decoded
    p.replace(decoder.name(), NAME, INSTANCE);
    p.channel().config().setAutoRead(true);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }
}
