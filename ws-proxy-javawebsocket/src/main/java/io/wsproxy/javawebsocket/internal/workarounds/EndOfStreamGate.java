package io.wsproxy.javawebsocket.internal.workarounds;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import org.java_websocket.WebSocketImpl;

/**
 * Works around a defect of Java-WebSocket 1.6.0, <b>end of stream before decoding</b>: holds a
 * connection's end of stream back until Java-WebSocket has decoded every byte read before
 * it.
 *
 * <p>Java-WebSocket 1.6.0's server reads on its selector thread and decodes on a worker thread: a
 * read queues the buffer ({@code WebSocketImpl.inQueue}) for a worker, and the next read seeing end
 * of stream calls {@code WebSocketImpl.eot()} at once, which closes the connection (1006) while the
 * worker has not decoded the buffer yet; the worker then drops it, since the connection is closed.
 * A client whose last frames and FIN arrive together (the JDK client half-closes right after its
 * close frame) thus loses its last message and its close code.
 *
 * <p>The gate counts the reads that return bytes (each becomes exactly one queued buffer and one
 * {@code decode} call) and the decodes that finish. An end of stream with nothing undecoded goes
 * through at once. Otherwise the channel reports "nothing read" and stops read interest, so the
 * selector does not spin on the readable end of stream; when the last decode finishes, the worker
 * turns read interest back on and wakes the selector, whose next read reports the end of stream
 * ({@link #heldBack}) and lets Java-WebSocket end the connection on its own thread, as it would have
 * had the end of stream come later. One exception: when the decoded frames started a close handshake
 * (the client's close frame), the answer is flushed first, and Java-WebSocket closes the connection
 * once its out queue is empty, with the client's code; if the client is gone and the write fails,
 * the connection ends with that code all the same ({@link #writeFailed}).
 *
 * <p>Thread-safe: the selector thread calls {@link #admit}, {@link #heldBack} and
 * {@link #writeFailed}, a worker calls
 * {@link #decoded}; every state change and every change of read interest happens under this
 * object's monitor, so a worker's "read again" cannot be undone by a selector's "stop reading".
 * Interest changes use the atomic {@link SelectionKey#interestOpsAnd}/{@code Or}, so Java-WebSocket's
 * own changes from other threads (write demand) are never lost. No user code runs under the monitor.
 */
public final class EndOfStreamGate {

  /** What a read returns to Java-WebSocket for "end of stream". */
  static final int END_OF_STREAM = -1;

  private enum State {
    /** No end of stream seen. */
    OPEN,
    /** End of stream seen while bytes read before it wait to be decoded. */
    HELD,
    /** End of stream seen and everything before it decoded: report it at the next read. */
    DRAINED
  }

  private final WebSocketImpl conn;
  private int undecoded; // guarded by this: reads returning bytes whose decode has not finished
  private State state = State.OPEN; // guarded by this

  public EndOfStreamGate(WebSocketImpl conn) {
    this.conn = conn;
  }

  /** Selector thread: whether the end of stream was seen, so the socket must not be read again. */
  synchronized boolean ended() {
    return state != State.OPEN;
  }

  /**
   * Selector thread, after a read from the socket: what Java-WebSocket should see.
   *
   * @param read        what the socket (or TLS) channel returned
   * @param transferred bytes it put into the caller's buffer (a TLS channel may put bytes and
   *                    still return end of stream when the peer's close_notify follows them)
   */
  synchronized int admit(int read, int transferred) {
    if (read >= 0) {
      if (read > 0) {
        undecoded++;
      }
      return read;
    }
    if (transferred > 0) { // hand over the bytes; the end of stream waits for their decode
      undecoded++;
      state = State.HELD;
      return transferred;
    }
    if (undecoded == 0) {
      return END_OF_STREAM;
    }
    state = State.HELD;
    return stopReading();
  }

  /**
   * Selector thread, instead of reading once {@link #ended()}: nothing while decodes are pending,
   * the end of stream once they are done, or nothing while the answer to a close frame is flushed.
   */
  synchronized int heldBack() {
    if (state == State.HELD) {
      return stopReading();
    }
    if (!conn.isFlushAndClose() || conn.outQueue.isEmpty()) {
      return END_OF_STREAM; // Java-WebSocket's eot(): the stored close code, or 1006
    }
    try { // Java-WebSocket closes the connection once the queue is written
      conn.getSelectionKey().interestOps(SelectionKey.OP_WRITE);
      return 0;
    } catch (CancelledKeyException e) {
      return END_OF_STREAM;
    }
  }

  /**
   * Selector thread: a write to the peer failed. A peer whose end of stream was seen has often closed
   * its socket entirely, so writing the answer to its close frame (or anything else) fails; without
   * this, Java-WebSocket would end the connection with 1006 and drop what is still undecoded.
   *
   * @return {@code true} when the failure is held back (decodes are pending): the caller reports
   *     nothing written, write interest is off until the decodes are done; {@code false} when the
   *     caller lets the failure through, after the connection was ended as the end of stream ends it
   *     (with the peer's close code when it sent one) if the end of stream had been seen
   */
  boolean writeFailed() {
    synchronized (this) {
      if (state == State.OPEN) {
        return false;
      }
      if (state == State.HELD) {
        try {
          conn.getSelectionKey().interestOpsAnd(~SelectionKey.OP_WRITE);
          return true;
        } catch (CancelledKeyException e) {
          return false;
        }
      }
    }
    conn.eot(); // outside the monitor: this reports the close to the listener
    return false;
  }

  /** Worker thread: one buffer has been decoded (or its decode failed). */
  public void decoded() {
    SelectionKey key;
    synchronized (this) {
      if (undecoded > 0) {
        undecoded--;
      }
      if (state != State.HELD || undecoded > 0) {
        return;
      }
      state = State.DRAINED;
      key = conn.getSelectionKey();
      try {
        key.interestOpsOr(SelectionKey.OP_READ);
      } catch (CancelledKeyException e) {
        return; // already closed
      }
    }
    key.selector().wakeup();
  }

  private int stopReading() {
    try {
      conn.getSelectionKey().interestOpsAnd(~SelectionKey.OP_READ);
    } catch (CancelledKeyException e) {
      // closed meanwhile: nothing to hold back
    }
    return 0;
  }
}
