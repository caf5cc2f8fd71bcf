package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * An incremental UTF-8 validator (Bjoern Hoehrmann's DFA, as in Netty's own validator): fed a
 * message's bytes run by run, it answers {@code false} at the first byte that cannot be UTF-8, and
 * {@link #complete} tells whether what was fed so far ends on a character boundary. A sequence cut
 * between two runs (two fragments, or two reads) is fine until the message ends.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
final class Utf8Validator implements ByteProcessor {

  private static final int ACCEPT = 0;
  private static final int REJECT = 12;
  /** Byte classes: 0 ASCII, 1/9/7 continuation ranges, 2..11 lead bytes, 8 never valid. */
  private static final byte[] TYPES = new byte[256];
  private static final byte[] STATES = {0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12,
      12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12,
      12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
      12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 12, 12, 36,
      12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12,
      12, 12, 12, 12, 12, 12};

  static {
    fill(0x80, 0x8F, 1);
    fill(0x90, 0x9F, 9);
    fill(0xA0, 0xBF, 7);
    fill(0xC0, 0xC1, 8);
    fill(0xC2, 0xDF, 2);
    fill(0xE0, 0xE0, 10);
    fill(0xE1, 0xEF, 3);
    fill(0xED, 0xED, 4);
    fill(0xF0, 0xF0, 11);
    fill(0xF1, 0xF3, 6);
    fill(0xF4, 0xF4, 5);
    fill(0xF5, 0xFF, 8);
  }

  private int state = ACCEPT;

  private static void fill(int from, int to, int type) {
    for (int b = from; b <= to; b++) {
      TYPES[b] = (byte) type;
    }
  }

  /** Feeds {@code buf[from, from + length)}; {@code false} if they cannot be (part of) UTF-8. */
  boolean feed(ByteBuf buf, int from, int length) {
    if (length > 0) {
      buf.forEachByte(from, length, this);
    }
    return state != REJECT;
  }

  /** Feeds {@code a[from, from + length)}; {@code false} if they cannot be (part of) UTF-8. */
  boolean feed(byte[] a, int from, int length) {
    int s = state;
    for (int i = from, end = from + length; i < end; i++) {
      int b = a[i];
      if (b >= 0 && s == ACCEPT) {
        continue; // ASCII between characters
      }
      s = STATES[s + TYPES[b & 0xFF]];
      if (s == REJECT) {
        break;
      }
    }
    state = s;
    return s != REJECT;
  }

  /** Whether everything fed since the last {@link #reset} is whole, valid UTF-8. */
  boolean complete() {
    return state == ACCEPT;
  }

  /** Starts a new message. */
  void reset() {
    state = ACCEPT;
  }

  /** One byte; stops the walk at the first invalid one. Part of the {@link ByteProcessor} use only. */
  @Override
  public boolean process(byte b) {
    state = STATES[state + TYPES[b & 0xFF]];
    return state != REJECT;
  }
}
