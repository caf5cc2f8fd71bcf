package io.wsproxy.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Client messages held, in order, while the upstream connects. Bounded by a frame count and a byte
 * count; an {@link #offer} past either bound is refused and the caller closes the client. Not
 * thread-safe: the {@link Bridge} guards it with its lock.
 */
final class FrameBuffer {

  private final int maxFrames;
  private final long maxBytes;
  private final ArrayDeque<Object> frames = new ArrayDeque<>(); // String or ByteBuffer
  private long bytes;

  FrameBuffer(int maxFrames, long maxBytes) {
    this.maxFrames = maxFrames;
    this.maxBytes = maxBytes;
  }

  /** Holds a text or binary message; {@code false} when that would pass a bound. */
  boolean offer(Object message) {
    long size = sizeOf(message);
    if (frames.size() + 1 > maxFrames || bytes + size > maxBytes) {
      return false;
    }
    frames.add(message);
    bytes += size;
    return true;
  }

  /** Hands every held message to {@code sink} in arrival order and empties the buffer. */
  void drainTo(Consumer<Object> sink) {
    Object m;
    while ((m = frames.poll()) != null) {
      bytes -= sizeOf(m);
      sink.accept(m);
    }
  }

  /** Drops every held message. */
  void clear() {
    frames.clear();
    bytes = 0;
  }

  /** Payload size: UTF-16 length for text (an upper bound of its UTF-8 size / 3), bytes for binary. */
  static long sizeOf(Object message) {
    return message instanceof ByteBuffer b ? b.remaining() : ((String) message).length();
  }
}
