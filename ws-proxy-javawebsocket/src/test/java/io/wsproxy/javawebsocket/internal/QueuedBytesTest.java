package io.wsproxy.javawebsocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

class QueuedBytesTest {

  private final LinkedBlockingQueue<ByteBuffer> outQueue = new LinkedBlockingQueue<>();
  private final QueuedBytes queued = new QueuedBytes(outQueue);

  private void queue(int wireBytes) {
    outQueue.add(ByteBuffer.allocate(wireBytes));
    queued.record(wireBytes);
  }

  @Test
  void countsFramesUntilTheWriterTakesThemOldestFirst() {
    queue(10);
    queue(20);
    queue(30);
    assertEquals(60, queued.estimate());
    outQueue.poll();
    assertEquals(50, queued.estimate());
    outQueue.poll();
    outQueue.poll();
    assertEquals(0, queued.estimate());
  }

  @Test
  void keepsCountingAcrossRingGrowth() {
    for (int i = 0; i < 100; i++) {
      queue(1);
      if (i % 3 == 0) {
        outQueue.poll();
        queued.estimate();
      }
    }
    assertEquals(outQueue.size(), queued.estimate());
  }

  @Test
  void framesQueuedByJavaWebSocketItselfOnlyDelayTheDecrease() {
    queue(100);
    outQueue.add(ByteBuffer.allocate(2)); // a pong we did not record
    queue(100);
    assertEquals(200, queued.estimate());
    outQueue.poll(); // our first frame is written
    assertEquals(200, queued.estimate(), "one frame over, until the queue drains");
    outQueue.clear();
    assertEquals(0, queued.estimate());
  }

  @Test
  void wireSizeAddsTheFrameHeaderAndTheClientMask() {
    assertEquals(2 + 125, QueuedBytes.wireSize(125, false));
    assertEquals(4 + 126, QueuedBytes.wireSize(126, false));
    assertEquals(4 + 65535, QueuedBytes.wireSize(65535, false));
    assertEquals(10 + 65536, QueuedBytes.wireSize(65536, false));
    assertEquals(2 + 4 + 5, QueuedBytes.wireSize(5, true));
  }
}
