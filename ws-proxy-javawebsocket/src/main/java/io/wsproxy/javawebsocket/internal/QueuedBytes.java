package io.wsproxy.javawebsocket.internal;

import java.nio.ByteBuffer;
import java.util.Queue;

/**
 * An O(1) amortised estimate of the bytes waiting in a Java-WebSocket connection's out queue.
 *
 * <p>Java-WebSocket keeps one encoded buffer per frame in {@code WebSocketImpl.outQueue} and exposes
 * no byte count; summing the queue would walk every node under the queue's locks on each call. So
 * the channel records the wire size of each frame it queues, oldest first, and the queue's
 * {@code size()} (a counter read) tells how many frames are still waiting: the oldest recorded frames
 * beyond that count have been written. The estimate is exact while only this channel queues frames;
 * frames Java-WebSocket queues itself (pongs, close frames, connection-lost pings) make it keep up to
 * as many extra frames of ours until the queue drains, and a half-written head frame counts whole.
 *
 * <p>Thread-safe: every method synchronizes on this object, and the channel holds the same monitor
 * while it queues a frame and records it, so the records keep the queue's order.
 */
final class QueuedBytes {

  private static final int INITIAL_CAPACITY = 16;
  /** Above this many slots an emptied record ring is shrunk back, so one burst does not pin memory. */
  private static final int SHRINK_ABOVE = 4096;

  private final Queue<ByteBuffer> outQueue;
  // guarded by this: a ring of the wire sizes of frames we queued, oldest at head
  private int[] sizes = new int[INITIAL_CAPACITY];
  private int head;
  private int count;
  private long total;

  QueuedBytes(Queue<ByteBuffer> outQueue) {
    this.outQueue = outQueue;
  }

  /** Records a frame just queued, of {@code wireBytes} bytes. Call while holding this monitor. */
  synchronized void record(int wireBytes) {
    if (count == sizes.length) {
      int[] bigger = new int[sizes.length * 2];
      for (int i = 0; i < count; i++) {
        bigger[i] = sizes[(head + i) % sizes.length];
      }
      sizes = bigger;
      head = 0;
    }
    sizes[(head + count) % sizes.length] = wireBytes;
    count++;
    total += wireBytes;
  }

  /** The estimated bytes not yet written to the socket. */
  synchronized long estimate() {
    int waiting = outQueue.size();
    while (count > waiting) {
      total -= sizes[head];
      head = (head + 1) % sizes.length;
      count--;
    }
    if (count == 0) {
      head = 0;
      total = 0;
      if (sizes.length > SHRINK_ABOVE) {
        sizes = new int[INITIAL_CAPACITY];
      }
    }
    return total;
  }

  /** The size on the wire of a frame with {@code payload} bytes (RFC 6455 section 5.2). */
  static int wireSize(int payload, boolean masked) {
    int header = payload <= 125 ? 2 : payload <= 0xFFFF ? 4 : 10;
    return header + (masked ? 4 : 0) + payload;
  }
}
