package io.wsproxy.jdk.internal;

import java.nio.ByteBuffer;

/**
 * Joins the parts the JDK delivers ({@code last == false}) into whole messages of at most
 * {@code maxBytes} bytes, never holding more than that.
 *
 * <p><b>Threading.</b> Not thread-safe: confined to the JDK's receive callbacks, which the JDK makes one
 * at a time with a happens-before edge between them.
 */
final class MessageAssembler {

  /** First allocation for a binary message that arrives in parts; grows by doubling up to the limit. */
  static final int INITIAL_BINARY_CAPACITY_BYTES = 64 * 1024;

  private final int maxBytes;

  private StringBuilder text;
  private long textBytes;
  private ByteBuffer binary;
  private boolean tooBig;

  MessageAssembler(int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** The largest message, in bytes. */
  int maxBytes() {
    return maxBytes;
  }

  /** Whether the last part pushed a message past the limit; the assembler is then empty and stays so. */
  boolean tooBig() {
    return tooBig;
  }

  /**
   * Adds a text part. Returns the whole message once {@code last}, else {@code null}; also
   * {@code null} when the message grew past the limit (see {@link #tooBig()}).
   */
  String text(CharSequence part, boolean last) {
    if (tooBig) {
      return null;
    }
    if (text == null && last) { // the common case: a whole message in one part
      if ((long) part.length() * 3 > maxBytes && utf8Length(part) > maxBytes) {
        return overflow();
      }
      return part.toString();
    }
    textBytes += utf8Length(part);
    if (textBytes > maxBytes) {
      return overflow();
    }
    if (text == null) {
      text = new StringBuilder((int) Math.min(maxBytes, Math.max(16L, part.length() * 2L)));
    }
    text.append(part);
    if (!last) {
      return null;
    }
    String whole = text.toString();
    text = null;
    textBytes = 0;
    return whole;
  }

  /**
   * Adds a binary part (copied: the JDK reuses its buffer). Returns the whole message, flipped and
   * owned by the caller, once {@code last}; else {@code null}, as when it grew past the limit.
   */
  ByteBuffer binary(ByteBuffer part, boolean last) {
    if (tooBig) {
      return null;
    }
    int n = part.remaining();
    if (binary == null && last) {
      if (n > maxBytes) {
        return overflow();
      }
      return ByteBuffer.allocate(n).put(part).flip();
    }
    long total = (binary == null ? 0 : binary.position()) + (long) n;
    if (total > maxBytes) {
      return overflow();
    }
    ensureCapacity((int) total);
    binary.put(part);
    if (!last) {
      return null;
    }
    ByteBuffer whole = binary.flip();
    binary = null;
    return whole;
  }

  private void ensureCapacity(int needed) {
    if (binary == null) {
      binary = ByteBuffer.allocate(Math.min(maxBytes, Math.max(needed, INITIAL_BINARY_CAPACITY_BYTES)));
      return;
    }
    if (needed <= binary.capacity()) {
      return;
    }
    int capacity = (int) Math.min(maxBytes, Math.max(needed, 2L * binary.capacity()));
    ByteBuffer grown = ByteBuffer.allocate(capacity);
    grown.put(binary.flip());
    binary = grown;
  }

  private <T> T overflow() {
    tooBig = true;
    text = null;
    binary = null;
    return null;
  }

  /** Bytes of {@code s} in UTF-8; a lone surrogate counts as the 3-byte replacement it becomes. */
  static long utf8Length(CharSequence s) {
    long bytes = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
