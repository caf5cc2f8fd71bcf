package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.junit.jupiter.api.Test;

/** How a JDK channel ends: closes from either side, drops, aborts and close timeouts. */
class JdkChannelCloseTest extends UpstreamFixture {

  @Test
  void reportsTheUpstreamsCloseAsRemoteAndAnswersIt() throws Exception {
    open();
    WebSocket conn = upstream.awaitConnection();

    conn.close(4001, "bye");

    assertEquals(new RecordingListener.Closed(4001, "bye", true),
        listener.next(RecordingListener.Closed.class));
    TestUpstream.Closed atUpstream = upstream.awaitClose();
    assertEquals(4001, atUpstream.code());
    assertFalse(atUpstream.remote()); // it started the close and got our answer
    assertEquals(1, listener.closes.get());
  }

  @Test
  void sendsCodesTheJdkClientMayNotSendAsTheirMappedCode() throws Exception {
    WsChannel channel = open();

    channel.close(CloseCodes.BAD_GATEWAY, "upstream gone");

    TestUpstream.Closed atUpstream = upstream.awaitClose();
    assertEquals(CloseCodes.GOING_AWAY, atUpstream.code());
    assertEquals("upstream gone", atUpstream.reason());
    assertTrue(atUpstream.remote());
    RecordingListener.Closed closed = listener.next(RecordingListener.Closed.class);
    assertEquals(CloseCodes.GOING_AWAY, closed.code()); // the upstream's answer
    assertFalse(closed.remote());
  }

  @Test
  void sendsApplicationCodesAndReasonsUnchanged() throws Exception {
    WsChannel channel = open();

    channel.close(4000, "x");

    TestUpstream.Closed atUpstream = upstream.awaitClose();
    assertEquals(4000, atUpstream.code());
    assertEquals("x", atUpstream.reason());
    assertEquals(new RecordingListener.Closed(4000, "x", false), listener.awaitClose());
  }

  @Test
  void cutsLongReasonsTo123BytesOnACharacterBoundary() throws Exception {
    WsChannel channel = open();

    channel.close(4000, "é".repeat(100)); // 200 bytes

    String reason = upstream.awaitClose().reason();
    assertEquals("é".repeat(61), reason);
    assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= CloseCodes.MAX_REASON_BYTES);
  }

  @Test
  void closeIsIdempotent() throws Exception {
    WsChannel channel = open();

    channel.close(4000, "first");
    channel.close(4001, "second");

    assertEquals(4000, upstream.awaitClose().code());
    assertEquals(4000, listener.awaitClose().code());
    assertEquals(1, listener.closes.get());
  }

  @Test
  void reports1006OnceWhenTheUpstreamDropsTheConnectionMidStream() throws Exception {
    // a short probe: the JDK sometimes loses a drop that lands while a message is being delivered
    try (RawUpstream dropping = new RawUpstream(RawUpstream.Mode.UPGRADE_THEN_DROP);
         JdkUpstreamConnector probing = JdkUpstreamConnector.builder()
             .probeInterval(Duration.ofMillis(200)).build()) {
      WsChannel channel = probing.connect(TestRequests.to(dropping.uri()), listener)
          .get(WAIT, TimeUnit.SECONDS);
      listener.next(RecordingListener.Opened.class);
      assertEquals("before", listener.next(RecordingListener.Text.class).text());

      channel.sendText(Text.of("go")); // the upstream drops the connection once it has read this

      Object event = listener.next(Object.class);
      if (event instanceof RecordingListener.Errored) { // the JDK failed, or the probe found it
        event = listener.next(Object.class);
      }
      assertEquals(new RecordingListener.Closed(CloseCodes.ABNORMAL, "", true), event);
      assertEquals(1, listener.closes.get());
    }
  }

  @Test
  void abortCutsTheConnectionAndReports1006Once() throws Exception {
    WsChannel channel = open();

    channel.abort();
    channel.abort();
    channel.close(1000, "too late");

    assertEquals(new RecordingListener.Closed(CloseCodes.ABNORMAL, "", false), listener.awaitClose());
    TestUpstream.Closed atUpstream = upstream.awaitClose();
    assertEquals(CloseCodes.ABNORMAL, atUpstream.code()); // no close frame reached it
    assertEquals(1, listener.closes.get());
  }

  @Test
  void ignoresSendsAfterTheUpstreamClosed() throws Exception {
    WsChannel channel = open();
    upstream.awaitConnection().close(1000, "");
    listener.awaitClose();

    channel.sendText(Text.of("late"));
    channel.sendBinary(java.nio.ByteBuffer.allocate(4));

    assertEquals(0, channel.queuedBytes());
    upstream.awaitClose();
    assertTrue(upstream.received.isEmpty(), "received after close: " + upstream.received);
  }

  @Test
  void abortsAfterTheCloseTimeoutWhenTheUpstreamNeverAnswers() throws Exception {
    try (RawUpstream silent = new RawUpstream(RawUpstream.Mode.UPGRADE_THEN_IGNORE)) {
      Duration closeTimeout = Duration.ofMillis(300);
      WsChannel channel = connector.connect(
          TestRequests.withTimeouts(silent.uri(), TestRequests.CONNECT_TIMEOUT, closeTimeout), listener)
          .get(WAIT, TimeUnit.SECONDS);
      listener.next(RecordingListener.Opened.class);
      long start = System.nanoTime();

      channel.close(1000, "bye");

      assertEquals(new RecordingListener.Closed(CloseCodes.ABNORMAL, "", false), listener.awaitClose());
      assertTrue(System.nanoTime() - start >= closeTimeout.toNanos(), "closed before the timeout");
      assertEquals(1, listener.closes.get());
    }
  }
}
