package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sends a data frame straight to the socket, past Netty's outbound buffer, when nothing is queued
 * ahead of it: the relay's usual case, one small message at a time. A frame sent this way costs one
 * {@code send} system call and a copy into the loop's scratch buffer; the normal way it costs a
 * pooled buffer, an outbound-buffer entry, a flush task and the pipeline's walk to the socket,
 * which together were about half of the proxy's user time per relayed message.
 *
 * <p>Only where that cannot change what reaches the wire ({@link #socket}): Netty's native epoll
 * transport, with the frame encoder first in the pipeline (so no TLS, no host's handler that
 * counts, shapes or logs writes). A frame is sent directly only when the
 * channel's outbound buffer is empty and nothing from another thread is on its way, so the bytes
 * keep their order; and only the first frame for a channel in one read of a peer's bytes (a
 * {@linkplain #turn turn}), so a burst of frames read at once still leaves in one gathering write.
 * What the socket does not take (it is full, or it failed) goes the normal way, where Netty waits
 * for it to drain or reports the failure as it always does.
 *
 * <p><b>Threading.</b> On the channel's event loop only: the scratch buffer and the turn count are
 * the loop thread's.
 */
final class DirectWrite {

  /** Largest frame, header included, sent this way; larger frames are rare and copy-bound anyway. */
  static final int MAX_FRAME = 16 * 1024;

  private static final FastThreadLocal<DirectWrite> LOCAL = new FastThreadLocal<>() {
    @Override
    protected DirectWrite initialValue() {
      return new DirectWrite();
    }
  };

  private final ByteBuffer memory = ByteBuffer.allocateDirect(MAX_FRAME);
  /** The scratch buffer over {@link #memory}, framed by {@link FrameWriter#write}. */
  private final ByteBuf scratch = Unpooled.wrappedBuffer(memory);
  /** The scratch buffer's memory address, or 0 where Netty cannot read one (no Unsafe). */
  private final long address = PlatformDependent.hasUnsafe()
      ? PlatformDependent.directBufferAddress(memory) : 0;
  private long turn;

  private DirectWrite() {}

  /**
   * This thread's scratch buffer and turn count: looked up once per channel (its loop's thread
   * never changes), not per frame.
   */
  static DirectWrite local() {
    return LOCAL.get();
  }

  /**
   * Starts a new turn on this thread: called for each read a frame reader takes, so frames decoded
   * from one read share a turn.
   */
  void newTurn() {
    turn++;
  }

  /** The current turn on this thread. */
  long turn() {
    return turn;
  }

  /**
   * The socket frames of {@code ch} may be sent to directly, or {@code null}: when {@code ch} is not
   * a native epoll channel, or the frame encoder ({@code encoder}'s handler) is not the pipeline's
   * first handler (TLS, or a host's handler, sits between it and the socket). Call on the loop once
   * the pipeline frames WebSocket; a handler added in front of the encoder later is not seen.
   */
  static Socket socket(Channel ch, ChannelHandlerContext encoder) {
    if (encoder == null || !Transports.EPOLL || ch.pipeline().first() != encoder.handler()) {
      return null;
    }
    return Transports.epollSocket(ch);
  }

  /**
   * Writes the frame into the scratch buffer and sends what the socket takes of it; answers how
   * many bytes went (0 when the socket is full or failed: the whole frame is then in {@link
   * #scratch()}, for the normal way, which meets the same failure and reports it).
   *
   * @param length the frame's length, {@link FrameWriter#write}'s answer
   */
  int send(Socket socket, int length) {
    try {
      // by address, as Netty's own writes: no JNI lookup of the buffer's address per send
      return address != 0 ? socket.sendAddress(address, 0, length)
          : socket.send(memory, 0, length);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The scratch buffer: a frame goes in at index 0 ({@link FrameWriter#write}). */
  ByteBuf scratch() {
    return scratch;
  }
}
