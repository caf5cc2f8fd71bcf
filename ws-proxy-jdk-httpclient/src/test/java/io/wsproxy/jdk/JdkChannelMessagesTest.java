package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.enums.Opcode;
import org.java_websocket.framing.PingFrame;
import org.junit.jupiter.api.Test;

/** Messages both ways through a JDK channel, against a real Java-WebSocket upstream. */
class JdkChannelMessagesTest extends UpstreamFixture {

  @Test
  void relaysTextAndBinaryBothWays() throws Exception {
    upstream.echo = true;
    WsChannel channel = open();

    channel.sendText(Text.of("héllo"));
    channel.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));

    assertEquals("héllo", upstream.awaitReceived());
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) upstream.awaitReceived());
    assertEquals("héllo", listener.next(RecordingListener.Text.class).text());
    assertArrayEquals(new byte[] {1, 2, 3}, listener.next(RecordingListener.Binary.class).data());
  }

  @Test
  void sendsTextHeldAsUtf8Bytes() throws Exception {
    WsChannel channel = open();

    channel.sendText(Text.ofValidUtf8(utf8("héllo wörld")));

    assertEquals("héllo wörld", upstream.awaitReceived());
  }

  @Test
  void answersFalseWhileTheUpstreamDoesNotReadAndCallsOnWritableOnceItReadsAgain() throws Exception {
    int sends = 32; // 32 MiB: far more than loopback socket buffers hold, so most stays queued
    ByteBuffer mebibyte = ByteBuffer.allocate(1024 * 1024);
    try (RawUpstream stalled = new RawUpstream(RawUpstream.Mode.UPGRADE_THEN_READ_ON_RELEASE);
         JdkUpstreamConnector small = JdkUpstreamConnector.builder()
             .writeBufferWaterMarks(64 * 1024, 256 * 1024).build()) {
      WsChannel channel = small.connect(TestRequests.to(stalled.uri()), listener).get(WAIT, TimeUnit.SECONDS);
      listener.next(RecordingListener.Opened.class);

      boolean lastAnswer = true;
      for (int i = 0; i < sends; i++) {
        lastAnswer = channel.sendBinary(mebibyte.duplicate());
      }
      assertFalse(lastAnswer, "still writable with " + channel.queuedBytes() + " bytes queued");
      assertFalse(channel.isWritable());

      stalled.release.countDown(); // the upstream reads again

      // earlier episodes (sends that drained into the socket buffers) may have their own onWritable
      for (int i = 0; i < sends && !channel.isWritable(); i++) {
        listener.next(RecordingListener.Writable.class);
      }
      assertTrue(channel.isWritable());
      assertTrue(channel.queuedBytes() <= 64 * 1024, "queued " + channel.queuedBytes());
      channel.abort();
      listener.awaitClose();
    }
  }

  @Test
  void relaysOneMebibyteBinaryByteExactBothWays() throws Exception {
    upstream.echo = true;
    WsChannel channel = open();
    byte[] payload = new byte[1024 * 1024];
    new Random(42).nextBytes(payload);

    channel.sendBinary(ByteBuffer.wrap(payload));

    assertArrayEquals(payload, (byte[]) upstream.awaitReceived());
    assertArrayEquals(payload, listener.next(RecordingListener.Binary.class).data());
  }

  @Test
  void leavesTheCallersBufferPositionAlone() throws Exception {
    WsChannel channel = open();
    ByteBuffer data = ByteBuffer.wrap(new byte[] {9, 8, 7});

    channel.sendBinary(data);

    assertArrayEquals(new byte[] {9, 8, 7}, (byte[]) upstream.awaitReceived());
    assertEquals(0, data.position());
    assertEquals(3, data.remaining());
  }

  @Test
  void joinsMessagesTheUpstreamSendsFragmented() throws Exception {
    WsChannel channel = open();
    WebSocket conn = upstream.awaitConnection();

    // Java-WebSocket takes the message's opcode for every part and writes continuation frames
    conn.sendFragmentedFrame(Opcode.TEXT, utf8("hel"), false);
    conn.sendFragmentedFrame(Opcode.TEXT, utf8("lo, "), false);
    conn.sendFragmentedFrame(Opcode.TEXT, utf8("wörld"), true);
    conn.sendFragmentedFrame(Opcode.BINARY, ByteBuffer.wrap(new byte[] {1, 2}), false);
    conn.sendFragmentedFrame(Opcode.BINARY, ByteBuffer.wrap(new byte[] {3}), true);

    assertEquals("hello, wörld", listener.next(RecordingListener.Text.class).text());
    assertArrayEquals(new byte[] {1, 2, 3}, listener.next(RecordingListener.Binary.class).data());
    assertTrue(channel.queuedBytes() >= 0);
  }

  @Test
  void deliversAMessageOfExactlyTheLimit() throws Exception {
    open(TestRequests.withMaxMessage(upstream.uri(), 1000));
    WebSocket conn = upstream.awaitConnection();

    conn.send("x".repeat(1000));

    assertEquals(1000, listener.next(RecordingListener.Text.class).text().length());
  }

  @Test
  void closesWith1008AndReports1009WhenAMessageIsOverTheLimit() throws Exception {
    open(TestRequests.withMaxMessage(upstream.uri(), 1000));
    WebSocket conn = upstream.awaitConnection();

    conn.send("é".repeat(501)); // 1002 bytes of UTF-8 in 501 chars

    RecordingListener.Closed closed = listener.next(RecordingListener.Closed.class);
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, closed.code());
    assertFalse(closed.remote());
    TestUpstream.Closed atUpstream = upstream.awaitClose();
    assertEquals(CloseCodes.POLICY_VIOLATION, atUpstream.code());
    assertTrue(atUpstream.remote());
    assertEquals(1, listener.closes.get());
  }

  @Test
  void closesWhenFragmentsAddUpToMoreThanTheLimit() throws Exception {
    open(TestRequests.withMaxMessage(upstream.uri(), 1000));
    WebSocket conn = upstream.awaitConnection();

    conn.sendFragmentedFrame(Opcode.BINARY, ByteBuffer.allocate(600), false);
    conn.sendFragmentedFrame(Opcode.BINARY, ByteBuffer.allocate(600), true);

    assertEquals(CloseCodes.MESSAGE_TOO_BIG, listener.next(RecordingListener.Closed.class).code());
    assertEquals(CloseCodes.POLICY_VIOLATION, upstream.awaitClose().code());
  }

  @Test
  void reportsPongsToOurPingsAndPingsFromTheUpstream() throws Exception {
    WsChannel channel = open();
    WebSocket conn = upstream.awaitConnection();

    channel.sendPing(utf8("are you there"));
    assertArrayEquals(bytes("are you there"), listener.next(RecordingListener.Pong.class).data());

    PingFrame ping = new PingFrame();
    ping.setPayload(utf8("hi"));
    conn.sendFrame(ping);
    assertArrayEquals(bytes("hi"), listener.next(RecordingListener.Ping.class).data());
    assertArrayEquals(bytes("hi"), upstream.pongs.poll(WAIT, TimeUnit.SECONDS)); // the JDK answered
  }

  @Test
  void refusesPingsOverTheControlFrameLimit() throws Exception {
    WsChannel channel = open();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> channel.sendPing(ByteBuffer.allocate(126)));
    assertTrue(e.getMessage().contains("ping data"), e.getMessage());
  }

  @Test
  void keepsMessagesTheUpstreamSendsWhileOnOpenRuns() throws Exception {
    CountDownLatch sent = new CountDownLatch(1);
    upstream.onOpenHook = conn -> {
      for (int i = 1; i <= 3; i++) {
        conn.send("m" + i);
      }
      sent.countDown();
    };
    listener.onOpenHook = () -> await(sent); // hold onOpen until the upstream has sent

    CompletableFuture<WsChannel> connected = connector.connect(TestRequests.to(upstream.uri()), listener);
    List<String> order = new ArrayList<>();
    connected.thenRun(() -> order.add("future"));
    WsChannel channel = connected.get(WAIT, TimeUnit.SECONDS);

    assertSame(channel, listener.next(RecordingListener.Opened.class).channel());
    assertEquals("m1", listener.next(RecordingListener.Text.class).text());
    assertEquals("m2", listener.next(RecordingListener.Text.class).text());
    assertEquals("m3", listener.next(RecordingListener.Text.class).text());
    assertEquals(List.of("future"), order);
  }

  @Test
  void sendsTenThousandMessagesInOrder() throws Exception {
    int count = 10_000;
    CountDownLatch all = new CountDownLatch(count);
    List<String> got = new ArrayList<>();
    upstream.onTextHook = (conn, text) -> {
      got.add(text); // Java-WebSocket delivers one connection's messages on one thread
      all.countDown();
    };
    WsChannel channel = open();

    for (int i = 0; i < count; i++) {
      channel.sendText(Text.of("n" + i));
    }

    assertTrue(all.await(30, TimeUnit.SECONDS), "received " + (count - all.getCount()));
    for (int i = 0; i < count; i++) {
      assertEquals("n" + i, got.get(i));
    }
  }

  @Test
  void keepsTheCallOrderAcrossMessageKindsUpToTheClose() throws Exception {
    WsChannel channel = open();

    channel.sendText(Text.of("a"));
    channel.sendPing(utf8("p"));
    channel.sendBinary(ByteBuffer.wrap(new byte[] {5}));
    channel.sendText(Text.of("b"));
    channel.close(4000, "done");
    channel.sendText(Text.of("after close"));

    assertEquals("a", upstream.awaitReceived());
    assertEquals("ping:p", upstream.awaitReceived());
    assertArrayEquals(new byte[] {5}, (byte[]) upstream.awaitReceived());
    assertEquals("b", upstream.awaitReceived());
    TestUpstream.Closed closed = upstream.awaitClose();
    assertEquals(4000, closed.code());
    assertEquals("done", closed.reason());
    assertTrue(upstream.received.isEmpty(), "sent after close: " + upstream.received);
    assertEquals(4000, listener.awaitClose().code());
  }

  @Test
  void pauseStopsDeliveryAndResumeDeliversTheRestInOrder() throws Exception {
    int total = 200;
    int pauseAt = 10;
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch afterPause = new CountDownLatch(1);
    CountDownLatch all = new CountDownLatch(total);
    List<String> got = new ArrayList<>();
    listener.onTextHook = (channel, text) -> {
      got.add(text); // one call at a time (the listener checks it)
      all.countDown();
      if (got.size() == pauseAt) {
        channel.pauseReading();
        paused.countDown();
      } else if (got.size() > pauseAt && paused.getCount() == 0 && afterPause.getCount() == 1) {
        afterPause.countDown();
      }
    };
    upstream.onOpenHook = conn -> {
      for (int i = 0; i < total; i++) {
        conn.send("m" + i);
      }
    };
    WsChannel channel = open();
    assertTrue(channel.canPauseReading());

    assertTrue(paused.await(WAIT, TimeUnit.SECONDS));
    assertFalse(afterPause.await(300, TimeUnit.MILLISECONDS), "delivered while paused");
    assertEquals(total - pauseAt, all.getCount());

    channel.resumeReading();

    assertTrue(all.await(WAIT, TimeUnit.SECONDS), "received " + (total - all.getCount()));
    for (int i = 0; i < total; i++) {
      assertEquals("m" + i, got.get(i));
    }
  }

  @Test
  void resumeWithoutPauseChangesNothing() throws Exception {
    upstream.echo = true;
    WsChannel channel = open();

    channel.resumeReading();
    channel.sendText(Text.of("one"));
    channel.sendText(Text.of("two"));

    assertEquals("one", listener.next(RecordingListener.Text.class).text());
    assertEquals("two", listener.next(RecordingListener.Text.class).text());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(WAIT, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(bytes(s));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
