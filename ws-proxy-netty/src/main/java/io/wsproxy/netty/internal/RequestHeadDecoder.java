package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.wsproxy.Headers;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ready server's request decoder: reads one request head ({@link HeadParser}) and fires it as a
 * {@link RequestHead}, then leaves the pipeline (a taken upgrade takes it out as it starts), and
 * what followed the head goes on as bytes as it leaves, as Netty's decoders do (a pipelining
 * client's first frames, or a plain request's body, which is dropped). Every answer of
 * the ready server ends the connection, so there is never a second request to read. A head that
 * cannot be read is fired as a failed {@code RequestHead} (400 or 431), and the bytes after it are
 * dropped. In place of Netty's {@code HttpRequestDecoder}: no {@code HttpRequest}, header map,
 * {@code AsciiString}s or last-content message per connection, and the fields go straight into the
 * core's {@link Headers}. A connection whose request head has not arrived within the deadline (an
 * idle socket, a slowloris) is closed. A taken upgrade takes that deadline's timer over for its own
 * ({@link #handOver}), so that both cost the connection one timer.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
public final class RequestHeadDecoder extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(RequestHeadDecoder.class);

  private final HeadParser parser;
  private final long deadlineNanos;
  private HandshakeDeadline deadline; // null once cancelled or handed over
  private ByteBuf rest; // what followed the head, until this decoder leaves the pipeline

  /**
   * @param maxLine longest request line, in bytes before its LF (longer: 431)
   * @param maxHeaderBytes largest header block, lines with their line ends (larger: 431)
   * @param deadline time from accept to a whole request head
   */
  public RequestHeadDecoder(int maxLine, int maxHeaderBytes, Duration deadline) {
    this.parser = new HeadParser(true, maxLine, maxHeaderBytes);
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = new HandshakeDeadline(ctx.executor());
    deadline.set(deadlineNanos, () -> {
      log.debug("{}: no request within the handshake timeout; closing", ctx.channel());
      ctx.close();
    });
  }

  /**
   * The deadline of the ready server's decoder in {@code p}, which is the caller's from now on (to
   * {@linkplain HandshakeDeadline#set set} later or cancel); {@code null} when there is no such
   * decoder (a host's codec) or it had none left. Call on the loop, before the decoder leaves.
   */
  static HandshakeDeadline handOver(ChannelPipeline p) {
    RequestHeadDecoder decoder = p.get(RequestHeadDecoder.class);
    if (decoder == null) {
      return null;
    }
    HandshakeDeadline d = decoder.deadline;
    decoder.deadline = null;
    return d;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    RequestHead head;
    try {
      HeadParser.Head h = parser.parse(in, ctx.alloc());
      if (h == null) {
        in.release(); // all taken; a cut line is held by the parser
        return;
      }
      head = new RequestHead(h.first(), h.second(), h.third(), h.headers(), h.fields(),
          h.fieldBytes(), 0);
      rest = in;
    } catch (HeadParser.Failure f) {
      head = RequestHead.failed(f.status());
      in.release(); // nothing after a malformed head is read
    }
    // a taken upgrade takes the deadline over and removes this decoder as it starts
    // (EarlyBytes.stopHttpDecoding), and the rest goes on then, before the endpoint may have
    // decided; anything else leaves here, which cancels the deadline
    ctx.fireChannelRead(head);
    if (!ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
    parser.release(); // a cut line of a connection that ended before its head did
    ByteBuf r = rest;
    rest = null;
    if (r != null && r.isReadable()) {
      ctx.fireChannelRead(r); // what followed the head: not HTTP
    } else if (r != null) {
      r.release();
    }
  }

  private void cancelTimer() {
    if (deadline != null) {
      deadline.cancel();
      deadline = null;
    }
  }
}
