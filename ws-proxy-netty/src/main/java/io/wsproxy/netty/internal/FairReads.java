package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the frames one connection hands its frame decoder per event-loop turn, so a peer flooding
 * tiny frames does not keep the loop from its other connections. Netty reads up to 16 buffers of up
 * to 64 KiB per turn and the decoder decodes all of it at once: 1 MiB of one-byte fragments is about
 * 150,000 frames, each a {@code WebSocketFrame} through the pipeline, which took 0.1 to 1.7 s while
 * every other connection of the loop waited. Here a {@link FrameWalker} counts the frames of each
 * buffer read; past {@link #FRAMES_PER_TURN} in one turn, the buffer is cut behind the last frame
 * counted, reading stops, and the rest is handed on in the loop's next turns, at most as many
 * frames each, before reading resumes. Frames are never reordered, and frames of normal size are
 * not affected: a turn of 1 MiB messages is a handful of frames.
 *
 * <p>It sits right in front of the decoder on both legs (on the server leg its walker also unmasks
 * client frames in place, see {@link FrameWalker}), and owns the channel's auto-read, which two
 * parties turn off: the peer's back-pressure ({@link #peerPaused}, from
 * {@link NettyWsChannel#pauseReading}) and the budget. Reading is on only when neither holds it;
 * bytes read and not yet handed on wait while the peer is paused too.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
final class FairReads extends ChannelInboundHandlerAdapter {

  /** Its name in the pipeline. */
  static final String NAME = "ws-proxy-fair-reads";
  /**
   * Frames handed to the decoder per turn: some milliseconds of one-byte fragments, a few of 64 B
   * messages (a read of those holds about 900), and no limit at all on large ones.
   */
  static final int FRAMES_PER_TURN = 1024;

  private final Channel ch;
  private final FrameWalker walker;
  private final int framesPerTurn;
  private final Runnable nextTurn = this::nextTurn;
  private ChannelHandlerContext ctx; // set once in the pipeline
  private ByteBuf held; // read, not yet handed on
  private int framesLeft; // of this turn's budget
  private boolean peerPaused;
  private boolean spent; // this turn's budget is used: reading waits for the next turn
  private boolean turnScheduled;
  private boolean handedOn; // something went to the decoder in this read batch
  private boolean removed;

  /**
   * @param ch     the connection
   * @param unmask whether to unmask client frames in place (the server leg)
   */
  FairReads(Channel ch, boolean unmask) {
    this(ch, unmask, FRAMES_PER_TURN);
  }

  FairReads(Channel ch, boolean unmask, int framesPerTurn) {
    this.ch = ch;
    this.walker = new FrameWalker(unmask);
    this.framesPerTurn = framesPerTurn;
    this.framesLeft = framesPerTurn;
  }

  /** Holds reading off while {@code paused} (the peer cannot take more); on the loop only. */
  void peerPaused(boolean paused) {
    peerPaused = paused;
    applyAutoRead();
    if (!paused && held != null) {
      scheduleTurn(); // what was held for the peer goes on in the next turn
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    removed = true; // the connection failed: what is held is not decoded any more
    spent = false;
    if (held != null) {
      held.release();
      held = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
    } else if (held != null) {
      held = append(held, buf); // read behind what is held (a decoder's own read): keep the order
    } else {
      handOn(buf);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!spent) {
      framesLeft = framesPerTurn; // the next read batch is a turn of its own
    }
    boolean any = handedOn;
    handedOn = false;
    // a batch that only added to what is held is not the decoder's: told of it with reading off,
    // it would ask for another read (it thinks it starves), and so on until all of the peer's
    // bytes were held
    if (any || held == null) {
      ctx.fireChannelReadComplete();
    }
  }

  /** Hands {@code buf} (taken over) to the decoder, up to this turn's budget; holds the rest. */
  private void handOn(ByteBuf buf) {
    int from = buf.readerIndex();
    int stop = walker.walk(buf, framesLeft);
    framesLeft -= walker.framesEnded();
    if (framesLeft <= 0) {
      endTurn();
    }
    if (stop == buf.writerIndex()) {
      handedOn = true;
      ctx.fireChannelRead(buf);
      return;
    }
    held = buf.readerIndex(stop);
    if (stop > from) {
      handedOn = true;
      // the decoder may fail the connection here, which removes this handler and releases held
      ctx.fireChannelRead(buf.retainedSlice(from, stop - from));
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
    if (!turnScheduled && !removed) {
      turnScheduled = true;
      ch.eventLoop().schedule(nextTurn, 0, TimeUnit.NANOSECONDS);
    }
  }

  private void nextTurn() {
    turnScheduled = false;
    if (removed || !ch.isActive()) {
      return;
    }
    framesLeft = framesPerTurn;
    spent = false;
    if (held != null) {
      if (peerPaused) {
        return; // handed on when the peer resumes
      }
      ByteBuf b = held;
      held = null;
      handOn(b); // may use up the budget again
      if (removed) {
        return;
      }
      handedOn = false;
      ctx.fireChannelReadComplete();
    }
    applyAutoRead();
  }

  private void applyAutoRead() {
    boolean on = !peerPaused && (removed || ctx == null || (!spent && held == null));
    if (ch.config().isAutoRead() != on) {
      ch.config().setAutoRead(on);
    }
  }

  private ByteBuf append(ByteBuf first, ByteBuf more) {
    CompositeByteBuf c = first instanceof CompositeByteBuf composite
        ? composite : ch.alloc().compositeBuffer().addComponent(true, first);
    return c.addComponent(true, more);
  }
}
