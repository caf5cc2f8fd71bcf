package io.wsproxy.examples.bench;

import java.nio.ByteBuffer;

/**
 * The bytes of a flood (the echo backend's answer to {@code flood <bytes>}, see {@code echo
 * --flood}): the big-endian 64-bit counters 0, 1, 2, ... one after another, cut to the length asked
 * for, sent as binary messages of {@link #MESSAGE_BYTES}. Every 8 bytes name their own position, so a
 * receiver can tell a lost, repeated or reordered piece from the bytes alone. Pure.
 */
public final class FloodPattern {

  /** Size of every flood message but the last: 64 KiB. */
  public static final int MESSAGE_BYTES = 64 * 1024;

  private FloodPattern() {}

  /** The byte at {@code offset} of the flood. */
  public static byte at(long offset) {
    long counter = offset >>> 3;
    return (byte) (counter >>> (56 - 8 * (offset & 7)));
  }

  /**
   * A message of the flood: {@code length} bytes starting at {@code offset}, as a heap buffer ready
   * to send (position 0).
   */
  public static ByteBuffer message(long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset and length must not be negative: " + offset
          + ", " + length);
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    long o = offset;
    while (b.hasRemaining() && (o & 7) != 0) {
      b.put(at(o++));
    }
    while (b.remaining() >= 8) { // the common case: 8 bytes at a time
      b.putLong(o >>> 3);
      o += 8;
    }
    while (b.hasRemaining()) {
      b.put(at(o++));
    }
    return b.flip();
  }

  /**
   * Checks received flood bytes against the pattern, in arrival order. Not thread-safe (one per
   * connection).
   */
  public static final class Checker {
    private long received;
    private long firstMismatch = -1;

    /** Checks every remaining byte of {@code data} (its position is not moved). */
    public void accept(ByteBuffer data) {
      int end = data.limit();
      for (int i = data.position(); i < end; i++) {
        if (firstMismatch < 0 && data.get(i) != at(received)) {
          firstMismatch = received;
        }
        received++;
      }
    }

    /** Bytes checked so far. */
    public long received() {
      return received;
    }

    /** Whether every byte so far was the pattern's byte at its position. */
    public boolean inOrder() {
      return firstMismatch < 0;
    }

    /** Offset of the first byte that was not the pattern's, or -1. */
    public long firstMismatch() {
      return firstMismatch;
    }
  }
}
