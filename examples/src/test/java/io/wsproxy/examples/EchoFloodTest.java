package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.examples.bench.FloodPattern;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EchoFloodTest {

  @Test
  void aFloodRequestIsTheWordFloodAndADecimalByteCount() {
    assertEquals(268_435_456, EchoFlood.requestedBytes("flood 268435456"));
    assertEquals(1, EchoFlood.requestedBytes(Text.of("flood 1")));
    assertEquals(EchoFlood.MAX_BYTES, EchoFlood.requestedBytes("flood " + EchoFlood.MAX_BYTES));
  }

  @Test
  void anythingElseIsNoFloodRequestAndIsEchoed() {
    for (String text : new String[] {"flood", "flood ", "flood 0", "flood -5", "flood 1e9",
        "flood 12 34", " flood 12", "flood " + (EchoFlood.MAX_BYTES + 1), "flood 99999999999",
        "hello", "flood 1" + " ".repeat(40)}) {
      assertEquals(-1, EchoFlood.requestedBytes(text), text);
    }
    assertEquals(-1, EchoFlood.requestedBytes(Text.of("x".repeat(100_000))));
  }

  /** A channel whose queue takes {@code capacity} bytes before it stops being writable. */
  private static final class Queue implements WsChannel {
    final List<ByteBuffer> sent = new ArrayList<>();
    final long capacity;
    long queued;
    boolean closed;
    int sendsAfterClose;

    Queue(long capacity) {
      this.capacity = capacity;
    }

    void drain() {
      queued = 0;
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
      if (closed) {
        sendsAfterClose++;
        return false; // ignored, as WsChannel says
      }
      sent.add(data);
      queued += data.remaining();
      return isWritable();
    }

    @Override
    public boolean isWritable() {
      return !closed && queued < capacity;
    }

    @Override
    public boolean sendText(Text text) {
      throw new AssertionError("a flood sends binary messages only");
    }

    @Override
    public void sendPing(ByteBuffer data) {}

    @Override
    public void sendPong(ByteBuffer data) {}

    @Override
    public void close(int code, String reason) {
      closed = true;
    }

    @Override
    public void abort() {
      closed = true;
    }

    @Override
    public long queuedBytes() {
      return queued;
    }

    @Override
    public String subprotocol() {
      return null;
    }
  }

  @Test
  void theFloodStopsWhileTheChannelIsNotWritableAndGoesOnWhenItDrains() {
    Queue channel = new Queue(256 * 1024);
    EchoFlood flood = new EchoFlood();
    long bytes = 10L * FloodPattern.MESSAGE_BYTES + 5;
    flood.request(channel, bytes);
    assertEquals(4, channel.sent.size(), "stops at the high-water mark, never queues it all");
    flood.pump(channel); // an onWritable that came although nothing drained sends nothing
    assertEquals(4, channel.sent.size());
    for (int i = 0; i < 3; i++) {
      channel.drain();
      flood.pump(channel);
    }
    assertEquals(11, channel.sent.size());
    FloodPattern.Checker check = new FloodPattern.Checker();
    channel.sent.forEach(check::accept);
    assertEquals(bytes, check.received());
    assertTrue(check.inOrder());
    assertEquals(5, channel.sent.get(10).remaining(), "the last message is the rest");
  }

  @Test
  void aClosedConnectionEndsTheFlood() {
    Queue channel = new Queue(256 * 1024);
    EchoFlood flood = new EchoFlood();
    flood.request(channel, 100L * FloodPattern.MESSAGE_BYTES);
    channel.close(1000, "");
    flood.stop();
    channel.drain();
    flood.pump(channel);
    assertEquals(4, channel.sent.size());
    assertEquals(0, channel.sendsAfterClose, "nothing more is made and sent after the close");
  }
}
