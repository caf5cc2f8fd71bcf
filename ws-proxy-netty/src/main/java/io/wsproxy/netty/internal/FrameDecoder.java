package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wsproxy.CloseCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Strict RFC 6455 frame decoding straight from the buffers a connection reads: a small header
 * state machine (first byte, second byte, extended length, masking key, payload) that takes any
 * split across reads, with no cumulation. A message in one frame that is whole in the buffer goes
 * to {@link FrameEvents} as one copy, unmasked and validated in the copy; runs of fragmented or split messages are joined by a
 * {@link MessageAssembler}; control payloads (at most 125 bytes) are gathered in a small array.
 * On the server leg payloads are unmasked in place, eight bytes at a time ({@link Masking}); text
 * is validated once, run by run, failing at the first invalid byte ({@link Utf8Validator}).
 *
 * <p>Violations fail the connection as Netty's decoder did: 1002 for reserved bits or opcodes, a
 * fragmented or oversized control frame, a continuation outside a message or a new message inside
 * one, masking the wrong way, a non-minimal or negative length, a close body of one byte or with
 * an invalid code; 1009 for a frame over the frame limit or a message over the message limit
 * (both known from the header); 1007 for invalid UTF-8 in text or a close reason.
 *
 * <p><b>Threading.</b> One per connection, on its event loop.
 */
final class FrameDecoder {

  private static final int FIRST = 0;
  private static final int SECOND = 1;
  private static final int LENGTH = 2;
  private static final int KEY = 3;
  private static final int PAYLOAD = 4;
  private static final int OP_CONTINUATION = 0;
  private static final int OP_TEXT = 1;
  private static final int OP_BINARY = 2;
  private static final int OP_CLOSE = 8;
  private static final int OP_PING = 9;
  private static final int OP_PONG = 10;
  private static final int MAX_CONTROL_PAYLOAD = 125;

  private final FrameEvents events;
  private final boolean server; // frames arrive masked, and are unmasked here
  private final int maxFrameSize;
  private final int maxMessageSize;
  private final MessageAssembler assembler;
  private final Utf8Validator utf8 = new Utf8Validator();
  private byte[] control; // made at the first control frame: live data an idle connection saves

  private int state = FIRST;
  private boolean fin;
  private int opcode;
  private boolean masked;
  private int lengthCode; // the second byte's 7-bit length
  private int lengthBytes; // extended length bytes still to come
  private int keyBytes; // masking key bytes still to come
  private long length;
  private int mask;
  private long done; // payload bytes of the current frame taken so far
  private boolean inMessage; // a data message started and not finished
  private boolean text; // that message is text
  private long messageSize;
  private ByteBuffer whole; // the current frame's message, copied in one run
  private int ended; // frames that ended in the last decode

  /**
   * @param server         whether this is the server leg (frames must be masked; unmasked here)
   * @param maxFrameSize   largest frame payload
   * @param maxMessageSize largest message
   */
  FrameDecoder(FrameEvents events, boolean server, int maxFrameSize, int maxMessageSize,
      MessageAssembler assembler) {
    this.events = events;
    this.server = server;
    this.maxFrameSize = maxFrameSize;
    this.maxMessageSize = maxMessageSize;
    this.assembler = assembler;
  }

  /**
   * Decodes {@code buf} from its reader index on, telling {@link FrameEvents} what it finds, up to
   * the end of the {@code maxFrames}-th frame that ends in it or until the connection stops; the
   * reader index is moved to where it stopped, and {@link #framesEnded} tells how many ended.
   */
  void decode(ByteBuf buf, int maxFrames) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    int n = 0;
    boolean go = true;
    while (go && i < end && n < maxFrames) {
      if (state == PAYLOAD) {
        int run = (int) Math.min(length - done, end - i);
        go = payload(buf, i, run);
        i += run;
      } else if (state == FIRST && end - i >= Long.BYTES) {
        // a frame's start with 8 bytes behind it: its header (or its first 8 bytes) in one read
        // of the buffer, not one checked read per byte
        long h = buf.getLong(i);
        int take = Math.min(Long.BYTES, headerLength((int) (h >>> 48) & 0xFF));
        for (int k = 0; go && k < take; k++) {
          go = header((int) (h >>> (56 - 8 * k)) & 0xFF);
        }
        i += take;
      } else {
        go = header(buf.getByte(i++) & 0xFF);
      }
      if (go && state == PAYLOAD && done == length) {
        n++;
        state = FIRST;
        go = frameEnded() && !events.stopped(); // a listener may have closed the connection
      }
    }
    ended = n;
    buf.readerIndex(i);
  }

  /** Frames that ended in the last {@link #decode}. */
  int framesEnded() {
    return ended;
  }

  /** Takes one header byte; false when the frame broke the protocol (the connection failed). */
  private boolean header(int b) {
    switch (state) {
      case FIRST -> {
        fin = (b & 0x80) != 0;
        opcode = b & 0x0F;
        length = 0;
        if ((b & 0x70) != 0) {
          return failed(CloseCodes.PROTOCOL_ERROR); // reserved bits: no extension is negotiated
        }
        state = SECOND;
        return true;
      }
      case SECOND -> {
        masked = (b & 0x80) != 0;
        lengthCode = b & 0x7F;
        if (masked != server || !opcodeFits()) {
          return failed(CloseCodes.PROTOCOL_ERROR);
        }
        lengthBytes = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
        if (lengthBytes == 0) {
          length = lengthCode;
          return lengthKnown();
        }
        state = LENGTH;
        return true;
      }
      case LENGTH -> {
        length = length << 8 | b;
        return --lengthBytes > 0 || lengthKnown();
      }
      default -> { // KEY
        mask = mask << 8 | b;
        if (--keyBytes == 0) {
          startPayload();
        }
        return true;
      }
    }
  }

  /** The length of a header whose second byte is {@code b1}. */
  private static int headerLength(int b1) {
    int code = b1 & 0x7F;
    return 2 + (code == 126 ? 2 : code == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
  }

  /** The second byte's checks of the opcode against the frame and the message in progress. */
  private boolean opcodeFits() {
    if (opcode >= OP_CLOSE) { // control
      if (control == null) { // most connections see no control frame but their close
        control = new byte[MAX_CONTROL_PAYLOAD];
      }
      return fin && lengthCode <= MAX_CONTROL_PAYLOAD && opcode <= OP_PONG
          && !(opcode == OP_CLOSE && lengthCode == 1);
    }
    return opcode <= OP_BINARY && (opcode == OP_CONTINUATION) == inMessage;
  }

  private boolean lengthKnown() {
    if ((lengthCode == 126 && length < 126) || (lengthCode == 127 && length < 65_536)) {
      return failed(CloseCodes.PROTOCOL_ERROR); // not minimal; or 64 bits, top bit set (negative)
    }
    if (length > maxFrameSize) {
      return failed(CloseCodes.MESSAGE_TOO_BIG);
    }
    if (opcode < OP_CLOSE) {
      if (opcode != OP_CONTINUATION) {
        inMessage = true;
        text = opcode == OP_TEXT;
        messageSize = 0;
        utf8.reset();
      }
      messageSize += length;
      if (messageSize > maxMessageSize) {
        return failed(CloseCodes.MESSAGE_TOO_BIG);
      }
    }
    if (masked) {
      state = KEY;
      keyBytes = 4;
      mask = 0;
    } else {
      startPayload();
    }
    return true;
  }

  private void startPayload() {
    state = PAYLOAD;
    done = 0;
  }

  /** Takes {@code buf[i, i + run)} of the current frame's payload. */
  private boolean payload(ByteBuf buf, int i, int run) {
    if (done == 0 && run == length && fin && opcode < OP_CLOSE && messageSize == length) {
      return wholeMessage(buf, i, run); // the usual case: no joining
    }
    if (masked && mask != 0) {
      Masking.xor(buf, i, run, Masking.keyAt(mask, (int) (done & 3)));
    }
    int at = (int) done;
    done += run;
    if (opcode >= OP_CLOSE) {
      buf.getBytes(i, control, at, run);
      return true;
    }
    if (text && !utf8.feed(buf, i, run)) {
      return failed(CloseCodes.INVALID_PAYLOAD); // fail fast, fragment by fragment
    }
    assembler.append(buf, i, run);
    return true;
  }

  /**
   * Up to this many payload bytes are copied and then unmasked in the array: a second pass over a
   * small payload costs less than the view of the buffer's memory that unmasking while copying
   * needs (a pooled buffer makes a new one each time: 64 bytes of garbage per message).
   */
  static final int COPY_THEN_UNMASK = 1024;

  /**
   * A message in one frame, whole in the buffer: copied into the array the listener gets (a larger
   * one than {@link #COPY_THEN_UNMASK} unmasked while copying when the buffer is one region of
   * memory), and validated there (the read buffer is not written).
   */
  private boolean wholeMessage(ByteBuf buf, int i, int run) {
    done = run;
    byte[] a = new byte[run];
    if (!masked || mask == 0) {
      buf.getBytes(i, a);
    } else if (run > COPY_THEN_UNMASK && buf.nioBufferCount() == 1) { // unmask while copying
      Masking.xorFrom(buf.internalNioBuffer(i, run), a, run, mask);
    } else {
      buf.getBytes(i, a);
      Masking.xor(a, 0, run, mask);
    }
    if (text && !utf8.feed(a, 0, run)) {
      return failed(CloseCodes.INVALID_PAYLOAD);
    }
    whole = ByteBuffer.wrap(a);
    return true;
  }

  /** The current frame ended (its whole payload taken). */
  private boolean frameEnded() {
    int len = (int) length;
    switch (opcode) {
      case OP_PING -> events.ping(control, len);
      case OP_PONG -> events.pong(control, len);
      case OP_CLOSE -> {
        return closed(len);
      }
      default -> {
        if (!fin) {
          return true;
        }
        inMessage = false;
        if (text && !utf8.complete()) {
          return failed(CloseCodes.INVALID_PAYLOAD); // a sequence cut off by the message's end
        }
        ByteBuffer m = whole != null ? whole : assembler.take();
        whole = null;
        events.message(text, m);
      }
    }
    return true;
  }

  private boolean closed(int len) {
    if (len == 0) {
      events.close(-1, "");
      return true;
    }
    int code = (control[0] & 0xFF) << 8 | (control[1] & 0xFF);
    // the codes Netty's decoder let through; the channel refuses the rest of what cannot be sent
    if (code < 1000 || (code > 1003 && code < 1007) || (code > 1014 && code < 3000)) {
      return failed(CloseCodes.PROTOCOL_ERROR);
    }
    Utf8Validator reason = new Utf8Validator();
    if (!reason.feed(Unpooled.wrappedBuffer(control, 2, len - 2), 0, len - 2)
        || !reason.complete()) {
      return failed(CloseCodes.INVALID_PAYLOAD);
    }
    events.close(code, new String(control, 2, len - 2, StandardCharsets.UTF_8));
    return true;
  }

  private boolean failed(int code) {
    events.fail(code);
    return false;
  }
}
