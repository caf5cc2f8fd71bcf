package io.wsproxy.internal;

import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** A recording {@link io.wsproxy.spi.WsChannel} for transport-free tests; the test drives its events. */
final class FakeChannel implements WsChannel {
  final List<Object> sent = new CopyOnWriteArrayList<>();
  final CountDownLatch closed = new CountDownLatch(1);
  final CountDownLatch resumed = new CountDownLatch(1);
  volatile int closeCode;
  volatile String closeReason;
  volatile int closeCalls;
  volatile boolean aborted;
  volatile long queued;
  volatile boolean pausable;
  volatile boolean paused;

  volatile boolean writable = true;

  /** Records texts as strings, so tests compare them with string literals. */
  @Override public boolean sendText(Text text) { sent.add(text.asString()); return writable; }
  @Override public boolean sendBinary(ByteBuffer data) { sent.add(data); return writable; }
  @Override public boolean isWritable() { return writable; }
  final java.util.concurrent.Semaphore pings = new java.util.concurrent.Semaphore(0);

  /** Runs on every ping sent, where the test answers it (with a pong) in the sender's thread. */
  volatile Runnable onPing = () -> { };

  @Override public void sendPing(ByteBuffer data) { onPing.run(); pings.release(); }
  @Override public void sendPong(ByteBuffer data) {}

  @Override
  public synchronized void close(int code, String reason) {
    closeCalls++;
    if (closeCalls == 1) {
      closeCode = code;
      closeReason = reason;
      closed.countDown();
    }
  }

  final CountDownLatch abortedLatch = new CountDownLatch(1);

  @Override public void abort() { aborted = true; closed.countDown(); abortedLatch.countDown(); }
  @Override public long queuedBytes() { return queued; }
  volatile String subprotocol;

  @Override public String subprotocol() { return subprotocol; }
  @Override public boolean canPauseReading() { return pausable; }
  @Override public void pauseReading() { paused = true; }

  @Override
  public void resumeReading() {
    paused = false;
    resumed.countDown();
  }
}
