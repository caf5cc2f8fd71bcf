package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound half of a {@link NettyWsChannel}, and the only WebSocket handler a leg reads
 * through: the buffers the socket reads go straight to its {@link FrameDecoder}, which calls the
 * listener. Nothing behind it hears reads or their completion (a host's handlers behind ours are
 * built for HTTP, and would be walked once per read for nothing); it passes on only the end of the
 * connection and writability.
 *
 * <p><b>Fair reads.</b> It bounds the frames decoded per event-loop turn, so a peer flooding tiny
 * frames does not keep the loop from its other connections: Netty reads up to 16 buffers of up to
 * 64 KiB per turn, and 1 MiB of one-byte fragments is about 150,000 frames. Past
 * {@link #FRAMES_PER_TURN} in one turn, decoding stops behind the last frame counted, reading
 * stops, and the rest is decoded in the loop's next turns, at most as many frames each, before
 * reading resumes. Frames are never reordered; a turn of 1 MiB messages is a handful of frames.
 *
 * <p>It owns the channel's auto-read, which two parties turn off: the peer's back-pressure
 * ({@link #peerPaused}, from {@link NettyWsChannel#pauseReading}) and the budget. The peer's pause
 * is lazy: it turns reading off only once bytes arrive while it holds (they wait here, with the
 * read they came in ending there), so a pause that ends before anything arrives (a connect-first
 * upstream held while its client's 101 is written) costs no system call to stop reading and
 * another to start again. Bytes read and not yet decoded wait while the peer is paused too.
 *
 * <p><b>Draining.</b> Once the connection {@linkplain NettyWsChannel#fail failed} or ended
 * ({@link #drain}), what is read is released, not decoded, and reading stays on: TCP drains and
 * the peer's FIN is seen, and a client flooding fragments after its 1009 costs the loop nothing.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
public final class FrameReader extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(FrameReader.class);

  /** Its name in the pipeline. */
  static final String NAME = "ws-proxy-frames";
  /**
   * Frames decoded per turn: some milliseconds of one-byte fragments, a few reads of 64 B
   * messages (a read of those holds about 900), and no limit at all on large ones.
   */
  static final int FRAMES_PER_TURN = 1024;

  private final NettyWsChannel ws;
  private final Channel ch;
  private final FrameDecoder decoder;
  private final Runnable nextTurn = this::nextTurn;
  private ByteBuf held; // read, not yet decoded
  private int framesLeft = FRAMES_PER_TURN; // of this turn's budget
  private boolean peerPaused;
  private boolean spent; // this turn's budget is used: reading waits for the next turn
  private boolean turnScheduled;
  private boolean added;
  private boolean draining;
  private DirectWrite turns; // the loop thread's, from handlerAdded

  FrameReader(NettyWsChannel ws, FrameDecoder decoder) {
    this.ws = ws;
    this.ch = ws.channel();
    this.decoder = decoder;
  }

  /**
   * Holds what is read while {@code paused} (the peer cannot take more), and reading with it once
   * something was read; on the loop only.
   */
  void peerPaused(boolean paused) {
    peerPaused = paused;
    if (paused) {
      return; // lazily: channelRead holds what arrives, and turns reading off then
    }
    applyAutoRead();
    if (held != null) {
      scheduleTurn(); // what was held for the peer goes on in the next turn
    }
  }

  /** From now on, what is read is released, not decoded; reading is on. On the loop only. */
  void drain() {
    draining = true;
    spent = false;
    if (held != null) {
      held.release();
      held = null;
    }
    applyAutoRead();
  }

  /** Whether it {@linkplain #drain drains}. */
  boolean draining() {
    return draining;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    added = true;
    turns = DirectWrite.local(); // on the loop: its thread's
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    drain();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (draining || !(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg); // nothing else reaches a WebSocket leg
    } else if (held != null) {
      held = append(held, buf); // read behind what is held: keep the order
    } else if (peerPaused) {
      held = buf; // the peer cannot take it: it waits, and reading stops behind this read
      applyAutoRead();
    } else {
      turns.newTurn(); // the frames of one read share a turn
      decode(buf);
    }
  }

  /**
   * Ends here: nothing behind this handler has a read to complete. A batch of reads is a turn of
   * its own, with a budget of its own, unless the budget is spent (its next turn is scheduled).
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!spent) {
      framesLeft = FRAMES_PER_TURN;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ws.checkWritable();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    drain();
    ws.inactive();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof VirtualMachineError) {
      ctx.fireExceptionCaught(cause); // out of memory: the server's fatal-error handler hears it
    }
    if (ws.ended() || cause instanceof ClosedChannelException) {
      return; // a write raced the close: channelInactive reports the end
    }
    log.debug("{}: {}", ch, cause.toString());
    ws.deliver(() -> ws.listener().onError(ws, cause), "onError");
    ctx.close(); // channelInactive reports the end
  }

  /** Decodes {@code buf} (taken over) up to this turn's budget; holds the rest. */
  private void decode(ByteBuf buf) {
    if (ws.ended()) { // closed by a listener between two reads
      buf.release();
      drain();
      return;
    }
    try {
      decoder.decode(buf, framesLeft);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
    if (draining || ws.ended()) {
      buf.release();
      drain(); // failed or closed in the middle: the rest of the read is dropped too
      return;
    }
    framesLeft -= decoder.framesEnded();
    if (buf.isReadable()) {
      held = buf;
    } else {
      buf.release();
    }
    if (framesLeft <= 0) {
      endTurn();
    }
  }

  /** The budget is used: no more reading or decoding until the loop's next turn. */
  private void endTurn() {
    spent = true;
    applyAutoRead();
    scheduleTurn();
  }

  /**
   * A task scheduled with no delay, not one executed: the loop takes due scheduled tasks once per
   * turn, after its I/O, so the other connections' reads run between two of these; a task queued
   * from a task would run in the same batch of tasks, for up to a second.
   */
  private void scheduleTurn() {
    if (!turnScheduled && !draining) {
      turnScheduled = true;
      ch.eventLoop().schedule(nextTurn, 0, TimeUnit.NANOSECONDS);
    }
  }

  private void nextTurn() {
    turnScheduled = false;
    if (draining || !ch.isActive()) {
      return;
    }
    framesLeft = FRAMES_PER_TURN;
    spent = false;
    if (held != null) {
      if (peerPaused) {
        return; // decoded when the peer resumes
      }
      ByteBuf b = held;
      held = null;
      decode(b); // may use up the budget again
    }
    applyAutoRead();
  }

  /** Reading is on unless a spent budget or held bytes (held for the budget or the peer) stop it. */
  private void applyAutoRead() {
    boolean on = draining || !added || (!spent && held == null);
    if (ch.config().isAutoRead() != on) {
      ch.config().setAutoRead(on);
    }
  }

  private ByteBuf append(ByteBuf first, ByteBuf more) {
    CompositeByteBuf c = first instanceof CompositeByteBuf composite
        ? composite.discardReadComponents()
        : ch.alloc().compositeBuffer().addComponent(true, first);
    return c.addComponent(true, more);
  }
}
