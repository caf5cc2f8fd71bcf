package io.wsproxy.internal;

import io.wsproxy.Limits;
import io.wsproxy.spi.Text;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Messages held, in order, while the other side of a {@link Bridge} is not there yet: the client's
 * while the upstream connects (accept-first), or the upstream's until the client's 101 is written
 * (connect-first). Bounded by bytes, each message counting its payload plus
 * {@link Limits#EARLY_MESSAGE_OVERHEAD}, so many small messages fit and a flood of empty ones does
 * not; an {@link #offer} past the bound is refused and the caller closes the sender.
 *
 * <p>Not thread-safe: the {@link Bridge} guards it with its lock.
 */
final class FrameBuffer {

  private final long maxBytes;
  // Text or ByteBuffer; made on the first offer and dropped once drained: most connections hold
  // no early message, and the buffer lives as long as its connection
  private ArrayDeque<Object> messages;
  private long bytes;

  FrameBuffer(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Holds a text or binary message; {@code false} when that would pass the bound. */
  boolean offer(Object message) {
    long cost = sizeOf(message) + Limits.EARLY_MESSAGE_OVERHEAD;
    if (bytes + cost > maxBytes) {
      return false;
    }
    if (messages == null) {
      messages = new ArrayDeque<>();
    }
    messages.add(message);
    bytes += cost;
    return true;
  }

  /** Hands every held message to {@code sink} in arrival order and empties the buffer. */
  void drainTo(Consumer<Object> sink) {
    ArrayDeque<Object> held = messages;
    if (held == null) {
      return;
    }
    Object m;
    while ((m = held.poll()) != null) {
      sink.accept(m);
    }
    messages = null;
    bytes = 0;
  }

  /** Drops every held message. */
  void clear() {
    if (messages != null) {
      messages.clear(); // ends a drain in progress too, as before
    }
    messages = null;
    bytes = 0;
  }

  boolean isEmpty() {
    return messages == null || messages.isEmpty();
  }

  /** Payload size: UTF-8 bytes (or an upper bound) for text, bytes for binary. */
  static long sizeOf(Object message) {
    return message instanceof ByteBuffer b ? b.remaining() : ((Text) message).sizeEstimate();
  }
}
