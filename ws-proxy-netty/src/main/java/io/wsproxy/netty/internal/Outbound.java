package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The outbound half of a {@link NettyWsChannel}: where its frames enter the pipeline, when they
 * are flushed, and how full its outbound buffer is.
 *
 * <p>On the loop a write goes in at once and the flush is deferred to the end of the loop's
 * current batch, so a burst of relayed messages costs one write system call; the first data frame
 * of a turn with nothing queued is sent straight to the socket ({@link DirectWrite}), no flush
 * needed. A whole frame (a
 * buffer, see {@link FrameWriter}) goes in below the frame encoder, which would only pass it on,
 * so it walks neither the handlers behind ours (a host's, the ready server's) nor the encoder; a
 * frame object goes in at the pipeline's end, as any write. A write from another thread is queued
 * onto the loop, and its bytes count as in flight until it runs there: Netty counts a write
 * against the water mark only once it reaches the channel, so a fast sender on another thread (a
 * Java-WebSocket or JDK upstream) would otherwise overshoot the mark.
 *
 * <p><b>Threading.</b> {@link #write}, {@link #writable} and {@link #queuedBytes} from any thread;
 * {@link #open} on the loop.
 */
final class Outbound {

  private final Channel ch;
  private final EventLoop loop;
  private final Runnable afterForeignWrite;
  private final Runnable flusher = this::flush;
  // bytes other threads handed to the loop that it has not written yet; a field with a VarHandle,
  // not an AtomicLong: one object fewer live per leg
  private volatile long inFlight;
  private static final VarHandle IN_FLIGHT;

  static {
    try {
      IN_FLIGHT = MethodHandles.lookup().findVarHandle(Outbound.class, "inFlight", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  private ChannelHandlerContext frameOut; // loop-confined
  private Socket direct; // loop-confined: where frames may go straight, or null (DirectWrite)
  private DirectWrite dw; // the loop thread's, when direct is set
  private long directTurn = -1; // loop-confined: the turn of the last frame sent straight
  private boolean flushScheduled; // loop-confined

  /**
   * @param ch                the channel
   * @param afterForeignWrite run on the loop after each write handed over from another thread (the
   *                          in-flight bytes alone may have made the channel unwritable)
   */
  Outbound(Channel ch, Runnable afterForeignWrite) {
    this.ch = ch;
    this.loop = ch.eventLoop();
    this.afterForeignWrite = afterForeignWrite;
  }

  /** Finds the frame encoder; call on the loop once the pipeline frames WebSocket. */
  void open() {
    frameOut = ch.pipeline().context(WebSocketFrameEncoder.class);
    direct = DirectWrite.socket(ch, frameOut);
    dw = direct == null ? null : DirectWrite.local();
  }

  /**
   * Writes a whole data frame (see {@link FrameWriter#frame}), flushed soon after: on the loop,
   * sent straight to the socket when {@link DirectWrite} may, else a buffer framed in the caller's
   * thread and {@linkplain #write written}.
   */
  void writeData(int first, boolean masked, ByteBuffer payload) {
    if (direct != null && loop.inEventLoop() && sentDirectly(first, masked, payload)) {
      return;
    }
    write(FrameWriter.frame(ch.alloc(), first, masked, payload));
  }

  /**
   * Sends the frame straight to the socket when nothing is queued ahead of it and no frame went
   * this way in the current turn; what the socket did not take is written the normal way. False
   * when it did not try.
   */
  private boolean sentDirectly(int first, boolean masked, ByteBuffer payload) {
    int size = payload.remaining();
    if (FrameWriter.headerLength(size, masked) + size > DirectWrite.MAX_FRAME || inFlight != 0
        || queuedOnChannel() != 0 || !direct.isOpen()) {
      return false;
    }
    if (dw.turn() == directTurn) {
      return false; // a burst read at once: the rest leaves in one gathering write
    }
    directTurn = dw.turn();
    int length = FrameWriter.write(dw.scratch(), first, masked, payload);
    int sent = dw.send(direct, length);
    if (sent < length) { // the socket is full (or failed): the rest queues, as any write
      ByteBuf rest = ch.alloc().directBuffer(length - sent);
      rest.writeBytes(dw.scratch(), sent, length - sent);
      write(rest);
    }
    return true;
  }

  /** Writes {@code frame} (a whole frame or a frame object), flushed soon after. */
  void write(Object frame) {
    if (loop.inEventLoop()) {
      writeNow(frame);
      if (!flushScheduled) {
        flushScheduled = true;
        loop.execute(flusher); // runs after the loop's current batch of reads: one flush for all
      }
      return;
    }
    long size = frame instanceof ByteBuf b ? b.readableBytes()
        : frame instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    IN_FLIGHT.getAndAdd(this, size);
    boolean queued = Loops.execute(loop, () -> {
      IN_FLIGHT.getAndAdd(this, -size);
      writeNow(frame);
      flush();
      afterForeignWrite.run();
    });
    if (!queued) { // the loop is shutting down: the connection goes with it
      IN_FLIGHT.getAndAdd(this, -size);
      ReferenceCountUtil.release(frame);
    }
  }

  /** Below the high-water mark, counting what other threads handed over and the loop has not run. */
  boolean writable() {
    long pending = inFlight;
    return ch.isWritable()
        && (pending == 0 || pending + queuedOnChannel() < ch.config().getWriteBufferHighWaterMark());
  }

  /** Bytes written and not yet sent, in flight from other threads included. */
  long queuedBytes() {
    return queuedOnChannel() + inFlight;
  }

  private long queuedOnChannel() {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  private void writeNow(Object frame) {
    if (frame instanceof ByteBuf && frameOut != null) {
      frameOut.write(frame, ch.voidPromise());
    } else {
      ch.write(frame, ch.voidPromise());
    }
  }

  private void flush() {
    flushScheduled = false;
    if (frameOut != null) {
      frameOut.flush(); // everything written so far is below the encoder by now
    } else {
      ch.flush();
    }
  }
}
