package io.wsproxy.gateway;

import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link io.wsproxy.spi.WsChannel} that records what the gateway sends. Thread-safe, like a real channel. */
final class FakeChannel implements WsChannel {

  /** A close the gateway started. */
  record Close(int code, String reason) {}

  final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
  final AtomicInteger pings = new AtomicInteger();
  final CompletableFuture<Close> closed = new CompletableFuture<>();
  volatile long queuedBytes;

  @Override
  public boolean sendText(Text text) {
    if (!closed.isDone()) {
      sent.add(text.asString());
    }
    return queuedBytes == 0;
  }

  @Override
  public boolean sendBinary(ByteBuffer data) {
    throw new AssertionError("the gateway never sends binary");
  }

  @Override
  public boolean isWritable() {
    return queuedBytes == 0;
  }

  @Override
  public void sendPing(ByteBuffer data) {
    pings.incrementAndGet();
  }

  @Override
  public void sendPong(ByteBuffer data) {}

  @Override
  public void close(int code, String reason) {
    closed.complete(new Close(code, reason));
  }

  @Override
  public void abort() {
    closed.complete(new Close(1006, "aborted"));
  }

  @Override
  public long queuedBytes() {
    return queuedBytes;
  }

  @Override
  public String subprotocol() {
    return null;
  }

  /** The next text sent, waiting at most 5 s. */
  String next() throws InterruptedException {
    String s = sent.poll(5, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("nothing sent within 5 s");
    }
    return s;
  }

  /** How the gateway closed the channel, waiting at most 5 s. */
  Close awaitClose() throws Exception {
    return closed.get(5, TimeUnit.SECONDS);
  }
}
