package io.wsproxy.jdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.jdk.RecordingListener;
import io.wsproxy.jdk.internal.SendQueue.WaterMarks;
import io.wsproxy.jdk.RecordingListener.Closed;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The channel's state machine against a fake WebSocket. Listener calls run in the calling thread
 * here (a direct executor), so every effect is visible when the call returns.
 */
class JdkWsChannelTest {

  private static final int MAX_MESSAGE_BYTES = 100;
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(50);
  private static final String PROBE_PING = "ping:ws-proxy-probe";
  private static final long WAIT_SECONDS = RecordingListener.WAIT_SECONDS;

  private final FakeWebSocket ws = new FakeWebSocket();
  private final RecordingListener listener = new RecordingListener();
  /** Small marks, so a few sends cross them. */
  private static final WaterMarks MARKS = new WaterMarks(4, 10);

  private final ConnectorThreads timers = new ConnectorThreads(1, "jdk-channel-test");
  private final AtomicInteger ended = new AtomicInteger();
  private final CompletableFuture<WsChannel> connected = new CompletableFuture<>();
  private JdkWsChannel channel = channel(Duration.ofSeconds(5), Duration.ZERO);

  private JdkWsChannel channel(Duration closeTimeout, Duration probeInterval) {
    UpstreamRequest request = UpstreamRequest.builder(URI.create("ws://127.0.0.1:1/"))
        .maxMessageSize(MAX_MESSAGE_BYTES).closeTimeout(closeTimeout).build();
    return new JdkWsChannel(ws, listener, request, timers, Runnable::run, MARKS, probeInterval,
        ended::incrementAndGet);
  }

  @AfterEach
  void stop() {
    timers.shutdownNow();
    listener.assertContractKept();
  }

  private void open() throws InterruptedException {
    channel.open(connected);
    assertSame(channel, listener.next(RecordingListener.Opened.class).channel());
  }

  @Test
  void callsOnOpenThenCompletesTheConnectThenRequestsOneMessage() throws Exception {
    open();

    assertSame(channel, connected.join());
    assertEquals(1, ws.requested.get());
    assertEquals(0, ended.get());
  }

  @Test
  void requestsTheNextPartOrMessageOnlyAfterTheLastWasTakenIn() throws Exception {
    open();

    channel.onJdkText("a", true);
    assertEquals("a", listener.next(RecordingListener.Text.class).text());
    assertEquals(2, ws.requested.get());
    channel.onJdkText("b", false);
    assertEquals(3, ws.requested.get());
    assertTrue(listener.events.isEmpty());
    channel.onJdkText("c", true);
    assertEquals("bc", listener.next(RecordingListener.Text.class).text());
    assertEquals(4, ws.requested.get());
  }

  @Test
  void holdsTheRequestWhilePausedAndMakesItOnceOnResume() throws Exception {
    open();
    channel.pauseReading();

    channel.onJdkText("requested before the pause", true);
    listener.next(RecordingListener.Text.class);
    assertEquals(1, ws.requested.get());

    channel.resumeReading();
    assertEquals(2, ws.requested.get());
    channel.resumeReading();
    assertEquals(2, ws.requested.get());
  }

  @Test
  void readsOnThroughAPauseOnceClosingSoTheAnswerIsSeen() throws Exception {
    open();
    channel.pauseReading();
    channel.onJdkText("a", true);
    assertEquals(1, ws.requested.get());

    channel.close(CloseCodes.NORMAL, "");

    assertEquals(List.of("close:1000:"), ws.sent);
    assertEquals(2, ws.requested.get());
  }

  @Test
  void reportsAMessageOverTheLimitOnceAsMessageTooBigAndSends1008() throws Exception {
    open();

    channel.onJdkText("x".repeat(MAX_MESSAGE_BYTES + 1), true);

    assertEquals(new Closed(CloseCodes.MESSAGE_TOO_BIG, JdkWsChannel.TOO_BIG_REASON, false),
        listener.next(Closed.class));
    assertEquals(List.of("close:1008:" + JdkWsChannel.TOO_BIG_REASON), ws.sent);
    int requested = ws.requested.get();
    channel.onJdkText("after", true); // discarded while the close handshake runs
    assertEquals(requested + 1, ws.requested.get());
    assertTrue(listener.events.isEmpty());
    assertEquals(1, ended.get());
  }

  @Test
  void answersTheUpstreamsCloseOnlyAfterWhatWasQueuedBeforeIt() throws Exception {
    open();
    channel.sendText(Text.of("in flight"));

    CompletionStage<?> answer = channel.onJdkClose(4001, "bye");

    assertEquals(new Closed(4001, "bye", true), listener.next(Closed.class));
    assertFalse(answer.toCompletableFuture().isDone());
    channel.sendText(Text.of("too late"));
    ws.completeNext();
    assertTrue(answer.toCompletableFuture().isDone());
    assertEquals(List.of("text:in flight"), ws.sent);
  }

  @Test
  void reportsTheUpstreamsAnswerToOurCloseAsLocal() throws Exception {
    open();
    channel.close(4000, "x");
    ws.completeNext();

    channel.onJdkClose(4000, "x");

    assertEquals(new Closed(4000, "x", false), listener.next(Closed.class));
  }

  @Test
  void abortDropsQueuedSendsAndReports1006Once() throws Exception {
    open();
    channel.sendText(Text.of("a"));
    channel.sendText(Text.of("bb"));

    channel.abort();
    channel.abort();

    assertTrue(ws.aborted);
    assertEquals(new Closed(CloseCodes.ABNORMAL, "", false), listener.next(Closed.class));
    assertEquals(1, channel.queuedBytes()); // only the send being written is left
    assertEquals(1, listener.closes.get());
    assertEquals(1, ended.get());
  }

  @Test
  void aFailedSendAbortsAndReportsTheErrorThenTheClose() throws Exception {
    open();
    IOException broken = new IOException("broken pipe");
    channel.sendText(Text.of("a"));

    ws.failNext(broken);

    assertTrue(ws.aborted);
    assertSame(broken, listener.next(RecordingListener.Errored.class).error());
    assertEquals(new Closed(CloseCodes.ABNORMAL, "", true), listener.next(Closed.class));
  }

  @Test
  void aJdkErrorReportsTheErrorThen1006() throws Exception {
    open();
    IOException reset = new IOException("connection reset");

    channel.onJdkError(reset);

    assertSame(reset, listener.next(RecordingListener.Errored.class).error());
    assertEquals(new Closed(CloseCodes.ABNORMAL, "", true), listener.next(Closed.class));
  }

  @Test
  void aListenerThatThrowsFailsItsConnection() throws Exception {
    IllegalStateException bug = new IllegalStateException("bridge bug");
    listener.onTextHook = (c, text) -> {
      throw bug;
    };
    open();

    channel.onJdkText("boom", true);

    listener.next(RecordingListener.Text.class);
    assertSame(bug, listener.next(RecordingListener.Errored.class).error());
    assertEquals(new Closed(CloseCodes.ABNORMAL, "", false), listener.next(Closed.class));
    assertTrue(ws.aborted);
  }

  @Test
  void anOnOpenThatThrowsFailsTheConnectAndClosesTheUpstreamQuietly() throws Exception {
    listener.onOpenHook = () -> {
      throw new IllegalStateException("bridge bug");
    };

    channel.open(connected);

    CompletionException e = assertThrows(CompletionException.class, connected::join);
    assertInstanceOf(UpstreamConnectException.class, e.getCause());
    assertEquals(List.of("close:1011:"), ws.sent);
    listener.next(RecordingListener.Opened.class);
    channel.onJdkClose(1011, "");
    assertTrue(listener.events.isEmpty());
    assertEquals(1, ended.get());
  }

  @Test
  void aConnectCancelledDuringTheUpgradeAbortsTheUpstreamWithoutListenerCalls() {
    connected.cancel(false);

    channel.open(connected);

    assertEquals(0, listener.calls.get());
    assertTrue(ws.aborted);
    assertEquals(List.of(), ws.sent);
    assertEquals(1, ended.get());
  }

  @Test
  void mapsACloseCodeTheJdkCannotSendDefensively() throws Exception {
    open();

    channel.close(CloseCodes.PROTOCOL_ERROR, "bad frame");

    assertEquals(List.of("close:1008:bad frame"), ws.sent);
  }

  @Test
  void answersFalsePastTheHighWaterMarkAndCallsOnWritableOnceDrainedToTheLowOne() throws Exception {
    open();

    assertTrue(channel.sendText(Text.of("123456"))); // 6 bytes queued: under the high mark of 10
    assertFalse(channel.sendText(Text.of("12345"))); // 11: over
    assertFalse(channel.isWritable());
    assertFalse(channel.sendBinary(ByteBuffer.allocate(1))); // still over until the low mark
    ws.completeNext(); // 6 left: above the low mark of 4
    assertFalse(channel.isWritable());
    assertTrue(listener.events.isEmpty(), "unexpected: " + listener.events);
    ws.completeNext(); // 1 left

    listener.next(RecordingListener.Writable.class);
    assertTrue(channel.isWritable());
    ws.completeNext();
    assertTrue(channel.sendText(Text.of("x")));
    assertTrue(listener.events.isEmpty(), "onWritable once per episode: " + listener.events);
  }

  @Test
  void countsTextThatArrivesAsUtf8BytesByItsByteLength() throws Exception {
    open();
    byte[] utf8 = "héllo".getBytes(StandardCharsets.UTF_8); // 6 bytes, 5 chars

    channel.sendText(Text.ofValidUtf8(ByteBuffer.wrap(utf8)));

    assertEquals(List.of("text:héllo"), ws.sent);
    assertEquals(6, channel.queuedBytes());
  }

  @Test
  void isNotWritableOnceAbortedAndCallsNoOnWritableAfterTheEnd() throws Exception {
    open();
    assertFalse(channel.sendText(Text.of("0123456789ab")));

    channel.abort();
    ws.completeNext();

    assertEquals(new Closed(CloseCodes.ABNORMAL, "", false), listener.next(Closed.class));
    assertFalse(channel.isWritable());
    assertFalse(channel.sendText(Text.of("late")));
    assertTrue(listener.events.isEmpty(), "unexpected: " + listener.events);
  }

  @Test
  void sendsAnEmptyReasonWhenTheReasonIsNotWellFormed() throws Exception {
    open();

    channel.close(CloseCodes.BAD_GATEWAY, "bad \ud800 surrogate");

    assertEquals(List.of("close:1001:"), ws.sent);
  }

  @Test
  void abortsWhenTheUpstreamDoesNotAnswerWithinTheCloseTimeout() throws Exception {
    channel = channel(Duration.ofMillis(50), Duration.ZERO);
    open();

    channel.close(CloseCodes.NORMAL, "");

    assertEquals(new Closed(CloseCodes.ABNORMAL, "", false), listener.awaitClose());
    assertTrue(ws.aborted);
  }

  @Test
  void disarmsTheCloseTimeoutWhenTheAnswerIsReadBeforeOurCloseSendCompletes() throws Exception {
    Duration closeTimeout = Duration.ofMillis(50);
    channel = channel(closeTimeout, Duration.ZERO);
    open();
    channel.close(CloseCodes.NORMAL, "");

    channel.onJdkClose(CloseCodes.NORMAL, ""); // the answer, read while our send is still pending
    ws.completeNext();

    assertEquals(new Closed(CloseCodes.NORMAL, "", false), listener.next(Closed.class));
    java.util.concurrent.CountDownLatch pastTheTimeout = new java.util.concurrent.CountDownLatch(1);
    timers.schedule(closeTimeout.multipliedBy(2), pastTheTimeout::countDown); // one thread: runs after
    assertTrue(pastTheTimeout.await(WAIT_SECONDS, TimeUnit.SECONDS));
    assertFalse(ws.aborted, "the close timeout fired after a finished close");
  }

  @Test
  void pingsASilentUpstreamAndEndsTheConnectionWhenThePingStaysUnanswered() throws Exception {
    channel = channel(Duration.ofSeconds(5), PROBE_INTERVAL);
    open();

    assertEquals(PROBE_PING, ws.sends.poll(WAIT_SECONDS, TimeUnit.SECONDS));

    assertInstanceOf(IOException.class, listener.next(RecordingListener.Errored.class).error());
    assertEquals(new Closed(CloseCodes.ABNORMAL, "", true), listener.next(Closed.class));
    assertTrue(ws.aborted);
  }

  @Test
  void keepsAnUpstreamThatAnswersThePingsAndHidesTheirPongs() throws Exception {
    channel = channel(Duration.ofSeconds(5), PROBE_INTERVAL);
    open();

    for (int i = 0; i < 3; i++) {
      assertEquals(PROBE_PING, ws.sends.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      ws.completeNext();
      channel.onJdkPong(LivenessProbe.payload());
    }

    assertTrue(listener.events.isEmpty(), "unexpected: " + listener.events);
    assertFalse(ws.aborted);
  }

  @Test
  void onlyWritesPingsWhilePausedAndEndsWhenAWriteFails() throws Exception {
    channel = channel(Duration.ofSeconds(5), PROBE_INTERVAL);
    open();
    channel.pauseReading();

    for (int i = 0; i < 3; i++) { // no pong can be read while paused: no verdict from silence
      assertEquals(PROBE_PING, ws.sends.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      ws.completeNext();
    }
    assertTrue(listener.events.isEmpty(), "unexpected: " + listener.events);
    assertEquals(PROBE_PING, ws.sends.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    ws.failNext(new IOException("broken pipe")); // what a write to a vanished upstream does

    assertInstanceOf(IOException.class, listener.next(RecordingListener.Errored.class).error());
    assertEquals(CloseCodes.ABNORMAL, listener.next(Closed.class).code());
  }

  @Test
  void handsTheListenerItsOwnCopyOfPingsAndPongs() throws Exception {
    open();
    byte[] jdkBuffer = {1, 2};

    channel.onJdkPing(ByteBuffer.wrap(jdkBuffer));
    jdkBuffer[0] = 7;
    channel.onJdkPong(ByteBuffer.wrap(new byte[] {3}));

    assertEquals(1, listener.next(RecordingListener.Ping.class).data()[0]);
    assertEquals(3, listener.next(RecordingListener.Pong.class).data()[0]);
  }
}
