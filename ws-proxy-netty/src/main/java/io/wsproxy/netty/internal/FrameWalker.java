package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;

/**
 * Follows WebSocket frame boundaries over a connection's byte stream, before Netty's frame decoder
 * sees it, with a small state machine (header bytes, extended length, key, then the payload, in any
 * split across reads). It counts the frames that end, so that {@link FairReads} can hand the
 * decoder a bounded number per event-loop turn, and on the server leg it also unmasks each client
 * frame in place.
 *
 * <p><b>Unmasking</b> (server leg): it zeroes the masking key it leaves in the header, so the decoder
 * still sees a masked frame (the mask bit is untouched, so its "client frames must be masked" check
 * holds) whose key is zero, which it does not XOR. The reason is speed: the decoder unmasks through
 * {@code ByteBuf.getLong/setLong} with an index, bounds and reference-count check per eight bytes,
 * which cost about 0.7 ms per MiB, ten times a copy; this masks eight bytes at a time through one
 * view of the buffer.
 *
 * <p>It changes nothing else and does not judge frames: a frame the decoder will refuse (a bad
 * length, reserved bits) is refused by the decoder, and the connection fails with it, so what this
 * does with the bytes after such a frame does not matter.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
final class FrameWalker {

  private final boolean unmask;
  private int headerPos; // header bytes of the current frame seen; 0 at a frame's start
  private int headerLen; // its whole header length, known from its second byte on
  private int lengthBytes; // 0, 2 or 8 extended length bytes
  private boolean masked;
  private long length;
  private int mask;
  private long payloadLeft; // payload bytes of the current frame still to come
  private int keyOffset; // payload bytes unmasked so far, modulo 4
  private int ended; // frames that ended in the last walk

  /** @param unmask whether to unmask client frames in place (the server leg) */
  FrameWalker(boolean unmask) {
    this.unmask = unmask;
  }

  /**
   * Walks {@code buf} from its reader index to its writer index, or to the end of the
   * {@code maxFrames}-th frame that ends in it if that comes first; {@link #framesEnded} then tells
   * how many ended. The reader index is not moved.
   *
   * @return the index it stopped at: the end of the buffer, or right behind the last frame counted
   */
  int walk(ByteBuf buf, int maxFrames) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    int n = 0;
    while (i < end && n < maxFrames) {
      if (payloadLeft > 0) {
        int run = (int) Math.min(payloadLeft, end - i);
        if (unmask && masked && mask != 0) {
          Masking.xor(buf, i, run, Masking.keyAt(mask, keyOffset));
        }
        keyOffset = (int) ((keyOffset + run) & 3);
        payloadLeft -= run;
        i += run;
        if (payloadLeft == 0) {
          n++;
        }
        continue;
      }
      if (header(buf, i++) && payloadLeft <= 0) {
        n++; // no payload (or an invalid length, which the decoder refuses)
      }
    }
    ended = n;
    return i;
  }

  /** Frames that ended in the last {@link #walk}. */
  int framesEnded() {
    return ended;
  }

  /** Takes header byte {@code buf[i]}; true when it completed the header. */
  private boolean header(ByteBuf buf, int i) {
    int b = buf.getByte(i) & 0xFF;
    int pos = headerPos++;
    if (pos == 0) {
      return false; // FIN, RSV and opcode: the decoder's business
    }
    if (pos == 1) {
      masked = (b & 0x80) != 0;
      int code = b & 0x7F;
      lengthBytes = code == 126 ? 2 : code == 127 ? 8 : 0;
      length = lengthBytes == 0 ? code : 0;
      headerLen = 2 + lengthBytes + (masked ? 4 : 0);
      mask = 0;
    } else if (pos < 2 + lengthBytes) {
      length = length << 8 | b;
    } else {
      mask = mask << 8 | b;
      if (unmask) {
        buf.setByte(i, 0); // the decoder sees a zero key and leaves the unmasked payload alone
      }
    }
    if (headerPos == headerLen) {
      headerPos = 0;
      payloadLeft = length; // a negative (invalid) length: the decoder fails the connection
      keyOffset = 0;
      return true;
    }
    return false;
  }
}
