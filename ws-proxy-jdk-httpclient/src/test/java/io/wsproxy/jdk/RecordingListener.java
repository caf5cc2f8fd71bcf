package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every listener call in order and checks the listener contract as it goes: one call at a
 * time, onOpen first, onClose once and last. Hooks let a test act inside a callback.
 */
public final class RecordingListener implements WsListener {

  public static final long WAIT_SECONDS = 10;

  public record Opened(WsChannel channel) {}
  public record Text(String text) {}
  public record Binary(byte[] data) {}
  public record Ping(byte[] data) {}
  public record Pong(byte[] data) {}
  public record Closed(int code, String reason, boolean remote) {}
  public record Errored(Throwable error) {}
  public record Writable() {}

  public final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  public final AtomicInteger calls = new AtomicInteger();
  public final AtomicInteger closes = new AtomicInteger();
  /** Contract violations seen (overlapping calls, events before onOpen or after onClose). */
  public final List<String> violations = new CopyOnWriteArrayList<>();

  public volatile TextHook onTextHook = (channel, text) -> {};
  public volatile Runnable onOpenHook = () -> {};

  private final AtomicInteger inCall = new AtomicInteger();
  private volatile boolean opened;
  private volatile boolean closed;

  public interface TextHook {
    void accept(WsChannel channel, String text);
  }

  @Override
  public void onOpen(WsChannel channel) {
    enter("onOpen", true);
    try {
      opened = true;
      events.add(new Opened(channel));
      onOpenHook.run();
    } finally {
      inCall.decrementAndGet();
    }
  }

  @Override
  public void onText(WsChannel channel, io.wsproxy.spi.Text text) {
    enter("onText", false);
    try {
      events.add(new Text(text.asString()));
      onTextHook.accept(channel, text.asString());
    } finally {
      inCall.decrementAndGet();
    }
  }

  @Override
  public void onBinary(WsChannel channel, ByteBuffer data) {
    record(new Binary(bytes(data)), "onBinary");
  }

  @Override
  public void onPing(WsChannel channel, ByteBuffer data) {
    record(new Ping(bytes(data)), "onPing");
  }

  @Override
  public void onPong(WsChannel channel, ByteBuffer data) {
    record(new Pong(bytes(data)), "onPong");
  }

  @Override
  public void onWritable(WsChannel channel) {
    record(new Writable(), "onWritable");
  }

  @Override
  public void onError(WsChannel channel, Throwable error) {
    record(new Errored(error), "onError");
  }

  @Override
  public void onClose(WsChannel channel, int code, String reason, boolean remote) {
    closes.incrementAndGet();
    record(new Closed(code, reason, remote), "onClose");
    closed = true;
  }

  /** The next event, which must be of {@code type}. */
  public <T> T next(Class<T> type) throws InterruptedException {
    Object e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(e, "no " + type.getSimpleName() + " within " + WAIT_SECONDS + " s");
    return assertInstanceOf(type, e);
  }

  /** Skips events up to the next text message and answers it. */
  public String awaitText() throws InterruptedException {
    return awaitNext(Text.class).text();
  }

  /** Skips events up to the close and answers it. */
  public Closed awaitClose() throws InterruptedException {
    return awaitNext(Closed.class);
  }

  /** Skips events up to the next one of {@code type} and answers it. */
  public <T> T awaitNext(Class<T> type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      Object e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertNotNull(e, "no " + type.getSimpleName() + " within " + WAIT_SECONDS + " s");
      if (type.isInstance(e)) {
        return type.cast(e);
      }
    }
  }

  public void assertContractKept() {
    assertEquals(List.of(), violations);
  }

  private void record(Object event, String name) {
    enter(name, false);
    try {
      events.add(event);
    } finally {
      inCall.decrementAndGet();
    }
  }

  private void enter(String name, boolean isOpen) {
    calls.incrementAndGet();
    if (inCall.incrementAndGet() != 1) {
      violations.add(name + " overlapped another call");
    }
    if (closed) {
      violations.add(name + " after onClose");
    }
    if (!isOpen && !opened) {
      violations.add(name + " before onOpen");
    }
    if (isOpen && opened) {
      violations.add("onOpen twice");
    }
  }

  private static byte[] bytes(ByteBuffer data) {
    byte[] b = new byte[data.remaining()];
    data.get(b);
    return b;
  }
}
