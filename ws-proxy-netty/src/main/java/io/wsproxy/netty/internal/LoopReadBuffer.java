package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;

/**
 * Reads a channel's bytes into its event loop's own buffer whenever that buffer is free, instead of
 * a new pooled buffer per read: the relay reads small messages one at a time and is done with each
 * read's buffer before the next read, and a pooled buffer's allocation and release were about a
 * tenth of the proxy's user time per relayed message. Read sizes are Netty's adaptive ones
 * ({@link AdaptiveRecvByteBufAllocator}, whose largest guess, 64 KiB, is the buffer's capacity).
 *
 * <p><b>When the loop's buffer is free.</b> The loop holds one reference to it; a read takes a
 * second ({@code retain}) and hands the buffer on as Netty hands on any read buffer, and whoever
 * takes it over releases it. Only when the count is back to one (everyone who read from it
 * released it) is it read into again; while anyone holds it (a cut frame kept for the next read,
 * early bytes behind an upgrade request, TLS's cumulation, a write still queued), reads take a
 * pooled buffer as before. So the reference count that Netty's contract already requires is what
 * keeps the bytes from being overwritten; nothing else needs to know. The buffer's memory is freed
 * with its thread (when the loop shuts down) by the JDK's cleaner.
 *
 * <p><b>Threading.</b> The allocator is shared and stateless; a {@link #newHandle handle} belongs
 * to one channel and, as Netty uses it, to that channel's event loop; the buffer is that thread's.
 */
public final class LoopReadBuffer implements RecvByteBufAllocator {

  /** The one allocator: set it as a channel's {@code RCVBUF_ALLOCATOR}. */
  public static final LoopReadBuffer INSTANCE = new LoopReadBuffer();

  /** The buffer's capacity: the adaptive sizes' largest guess, so any read fits. */
  static final int CAPACITY = 64 * 1024;

  private static final AdaptiveRecvByteBufAllocator SIZES = new AdaptiveRecvByteBufAllocator();

  private static final FastThreadLocal<ByteBuf> OWN = new FastThreadLocal<>() {
    @Override
    protected ByteBuf initialValue() {
      // a wrapped JDK buffer: a release too many can never free memory that reads still use
      return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(CAPACITY)).clear();
    }
  };

  private LoopReadBuffer() {}

  @Override
  public Handle newHandle() {
    return new ReadHandle();
  }

  /** This thread's buffer (made at the first call), for tests. */
  static ByteBuf own() {
    return OWN.get();
  }

  /**
   * The adaptive handle's sizes and counts, with {@link #allocate} taking the loop's buffer when it
   * is free. The adaptive handle is made at first use: a channel's config asks for one handle only
   * to check its type, and drops it.
   */
  private static final class ReadHandle implements ExtendedHandle {
    private ExtendedHandle sizes;

    private ExtendedHandle sizes() {
      if (sizes == null) {
        sizes = (ExtendedHandle) SIZES.newHandle();
      }
      return sizes;
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
      int guess = sizes().guess();
      ByteBuf own = OWN.get();
      if (own.refCnt() == 1 && guess <= CAPACITY) {
        // writable: exactly the guess, as a new buffer of that size would be
        own.setIndex(CAPACITY - guess, CAPACITY - guess);
        return own.retain();
      }
      return sizes.allocate(alloc);
    }

    @Override
    public int guess() {
      return sizes().guess();
    }

    @Override
    public void reset(ChannelConfig config) {
      sizes().reset(config);
    }

    @Override
    public void incMessagesRead(int numMessages) {
      sizes().incMessagesRead(numMessages);
    }

    @Override
    public void lastBytesRead(int bytes) {
      sizes().lastBytesRead(bytes);
    }

    @Override
    public int lastBytesRead() {
      return sizes().lastBytesRead();
    }

    @Override
    public boolean continueReading() {
      return sizes().continueReading();
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return sizes().continueReading(maybeMoreDataSupplier);
    }

    @Override
    public void attemptedBytesRead(int bytes) {
      sizes().attemptedBytesRead(bytes);
    }

    @Override
    public int attemptedBytesRead() {
      return sizes().attemptedBytesRead();
    }

    @Override
    public void readComplete() {
      sizes().readComplete();
    }
  }
}
