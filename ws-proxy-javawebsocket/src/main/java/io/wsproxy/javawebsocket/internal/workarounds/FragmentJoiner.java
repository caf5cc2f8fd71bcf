package io.wsproxy.javawebsocket.internal.workarounds;

import java.nio.ByteBuffer;
import org.java_websocket.enums.Opcode;
import org.java_websocket.framing.BinaryFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.FramedataImpl1;
import org.java_websocket.framing.TextFrame;

/**
 * Joins the fragments of one message as they arrive, working around this defect of Java-WebSocket
 * 1.6.0's {@code Draft_6455}: <b>every fragment is kept as its own {@code ByteBuffer}</b> in a list
 * until the last one arrives. A one-byte fragment then costs about 88 bytes of heap (the buffer
 * object, its array, the list slot), so a message limit of 4 MiB let one connection sending a
 * message of one-byte fragments it never finishes pin about 350 MiB, and two of them exhaust a
 * 512 MiB heap. Here fragments are copied into one array that grows by doubling up to the message
 * limit, so an unfinished message costs its bytes (at most twice, while the array grows).
 *
 * <p>The draft hands every data frame to {@link #offer} before Java-WebSocket sees it: fragments are
 * taken, and the last one comes back as one whole frame, which Java-WebSocket then delivers (and, for
 * text, validates as UTF-8) as if it had arrived unfragmented. The frame order and the message limit
 * are checked before this ({@link FrameChecks}), so a fragment never pushes the array past the limit.
 *
 * <p>Used by one connection's decoding thread; not thread-safe.
 */
public final class FragmentJoiner {

  /** First capacity of a fragmented message's array (capped by the message limit). */
  static final int FIRST_CAPACITY = 4096;

  private final int maxMessageSize;
  private Opcode opcode; // of the message in progress, or null
  private byte[] bytes;
  private int length;

  /** @param maxMessageSize the largest message, fragments joined */
  public FragmentJoiner(int maxMessageSize) {
    if (maxMessageSize <= 0) {
      throw new IllegalArgumentException("maxMessageSize must be positive: " + maxMessageSize);
    }
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Offers a data frame (text, binary or continuation). Answers the frame to hand on: the frame
   * itself when it is an unfragmented message (or out of sequence, for Java-WebSocket to refuse),
   * the whole message when it is the last fragment, or {@code null} when the fragment was taken.
   */
  public Framedata offer(Framedata frame) {
    Opcode op = frame.getOpcode();
    boolean continuation = op == Opcode.CONTINUOUS;
    if (continuation ? opcode == null : frame.isFin() || opcode != null) {
      return frame; // unfragmented, or a sequence error Java-WebSocket reports
    }
    if (!continuation) {
      opcode = op;
      length = 0;
      bytes = new byte[Math.min(FIRST_CAPACITY, maxMessageSize)];
    }
    append(frame.getPayloadData());
    if (!frame.isFin()) {
      return null;
    }
    FramedataImpl1 whole = opcode == Opcode.TEXT ? new TextFrame() : new BinaryFrame();
    whole.setPayload(ByteBuffer.wrap(bytes, 0, length));
    opcode = null;
    bytes = null;
    return whole;
  }

  private void append(ByteBuffer payload) {
    int n = payload.remaining();
    int needed = length + n;
    if (needed > bytes.length) {
      // the limit was checked before: needed <= maxMessageSize unless the checks are bypassed
      long grown = Math.max(needed, Math.min((long) bytes.length * 2, maxMessageSize));
      byte[] bigger = new byte[(int) Math.min(grown, Integer.MAX_VALUE - 8)];
      System.arraycopy(bytes, 0, bigger, 0, length);
      bytes = bigger;
    }
    payload.duplicate().get(bytes, length, n);
    length = needed;
  }
}
