package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits in front of Netty's server-side frame decoder and unmasks every client frame in the read
 * buffer itself, zeroing the masking key it leaves in the header; the decoder still sees a masked
 * frame (the mask bit is untouched, so its "client frames must be masked" check holds) whose key is
 * zero, which it does not XOR. The reason is speed: the decoder unmasks through {@code
 * ByteBuf.getLong/setLong} with an index, bounds and reference-count check per eight bytes, which
 * cost about 0.7 ms per MiB, ten times a copy; this masks eight bytes at a time through one view of
 * the buffer.
 *
 * <p>It follows frame boundaries with a small state machine over the byte stream (header bytes,
 * extended length, key, then the payload, in any split across reads) and changes nothing else. It
 * does not judge frames: a frame the decoder will refuse (a bad length, reserved bits) is refused by
 * the decoder, and the connection fails with it, so what this does with the bytes after such a frame
 * does not matter.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
final class InPlaceUnmasker extends ChannelInboundHandlerAdapter {

  private int headerPos; // header bytes of the current frame seen; 0 at a frame's start
  private int headerLen; // its whole header length, known from its second byte on
  private int lengthBytes; // 0, 2 or 8 extended length bytes
  private boolean masked;
  private long length;
  private int mask;
  private long payloadLeft; // payload bytes of the current frame still to come
  private int keyOffset; // payload bytes unmasked so far, modulo 4

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      unmask(buf);
    }
    ctx.fireChannelRead(msg);
  }

  /** Unmasks what {@code buf} holds of the frames, in place, and zeroes their keys. */
  void unmask(ByteBuf buf) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    while (i < end) {
      if (payloadLeft > 0) {
        int n = (int) Math.min(payloadLeft, end - i);
        if (masked && mask != 0) {
          Masking.xor(buf, i, n, Masking.keyAt(mask, keyOffset));
        }
        keyOffset = (int) ((keyOffset + n) & 3);
        payloadLeft -= n;
        i += n;
        continue;
      }
      header(buf, i);
      i++;
    }
  }

  /** Takes header byte {@code buf[i]}. */
  private void header(ByteBuf buf, int i) {
    int b = buf.getByte(i) & 0xFF;
    int pos = headerPos++;
    if (pos == 0) {
      return; // FIN, RSV and opcode: the decoder's business
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
      buf.setByte(i, 0); // the decoder sees a zero key and leaves the unmasked payload alone
    }
    if (headerPos == headerLen) {
      headerPos = 0;
      payloadLeft = length; // a negative (invalid) length: the decoder fails the connection
      keyOffset = 0;
    }
  }
}
