package io.wsproxy.jdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.jdk.internal.SendQueue.Outbound;
import io.wsproxy.jdk.internal.SendQueue.WaterMarks;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SendQueueTest {

  private final FakeWebSocket ws = new FakeWebSocket();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final AtomicInteger writables = new AtomicInteger();
  private final SendQueue queue =
      new SendQueue(ws, failures::add, new WaterMarks(4, 10), writables::incrementAndGet);

  private static Outbound text(String s) {
    return new Outbound(w -> w.sendText(s, true), s.length());
  }

  private static Outbound close(int code) {
    return new Outbound(w -> w.sendClose(code, ""), 0);
  }

  @Test
  void startsOneSendAtATimeInCallOrder() {
    queue.offer(text("a"));
    queue.offer(text("b"));
    queue.offer(text("c"));

    assertEquals(List.of("text:a"), ws.sent);
    ws.completeNext();
    assertEquals(List.of("text:a", "text:b"), ws.sent);
    ws.completeNext();
    ws.completeNext();
    assertEquals(List.of("text:a", "text:b", "text:c"), ws.sent);
    assertEquals(0, ws.overlaps.get());
  }

  @Test
  void countsQueuedBytesUntilEachSendCompletes() {
    queue.offer(text("0123456789"));
    queue.offer(text("01234"));
    assertEquals(15, queue.queuedBytes());

    ws.completeNext();
    assertEquals(5, queue.queuedBytes());
    ws.completeNext();
    assertEquals(0, queue.queuedBytes());
  }

  @Test
  void answersWritableUntilTheHighWaterMarkIsPassed() {
    assertTrue(queue.offer(text("0123456789"))); // exactly the high mark: still writable
    assertFalse(queue.offer(text("a")));
    assertFalse(queue.isWritable());
  }

  @Test
  void signalsWritableOnceWhenDrainedToTheLowWaterMarkAfterAFalse() {
    queue.offer(text("012345"));
    queue.offer(text("01234"));
    queue.offer(text("0123"));

    ws.completeNext(); // 9 left: above the low mark
    assertEquals(0, writables.get());
    ws.completeNext(); // 4 left: at the low mark
    assertEquals(1, writables.get());
    assertTrue(queue.isWritable());
    ws.completeNext();
    assertEquals(1, writables.get());
  }

  @Test
  void aLargeSendThatCompletesAtOnceAnswersWritableAndSignalsNothing() {
    ws.completeAtOnce = true;

    assertTrue(queue.offer(text("0123456789abcdefghij"))); // 20 bytes, all written at once

    assertEquals(0, writables.get());
    assertEquals(0, queue.queuedBytes());
  }

  @Test
  void neverSignalsWritableWhenTheHighWaterMarkWasNeverPassed() {
    queue.offer(text("0123"));
    queue.offer(text("0123"));

    ws.completeNext();
    ws.completeNext();

    assertEquals(0, writables.get());
  }

  @Test
  void signalsNothingOnceDiscarded() {
    queue.offer(text("0123456789ab"));

    queue.discard();
    ws.completeNext();

    assertEquals(0, writables.get());
    assertFalse(queue.isWritable());
  }

  @Test
  void refusesSendsAfterTheLastOne() {
    assertTrue(queue.offer(text("a")));
    assertTrue(queue.offerLast(close(1000)));

    assertFalse(queue.offer(text("late")));
    assertFalse(queue.offerLast(close(1001)));
    ws.completeNext();
    ws.completeNext();
    assertEquals(List.of("text:a", "close:1000:"), ws.sent);
    assertEquals(0, queue.queuedBytes());
  }

  @Test
  void drainCompletesOnceQueuedSendsHaveCompleted() {
    queue.offer(text("a"));
    queue.offer(text("b"));

    CompletableFuture<Void> drained = queue.closeAndDrain();

    assertFalse(drained.isDone());
    assertFalse(queue.offer(text("c")));
    ws.completeNext();
    assertFalse(drained.isDone());
    ws.completeNext();
    assertTrue(drained.isDone());
    assertSame(drained, queue.closeAndDrain());
  }

  @Test
  void drainCompletesAtOnceWhenIdle() {
    assertTrue(queue.closeAndDrain().isDone());
  }

  @Test
  void discardDropsSendsNotStartedAndTheirBytes() {
    queue.offer(text("0123456789"));
    queue.offer(text("01234567890123456789"));
    CompletableFuture<Void> drained = queue.closeAndDrain();

    queue.discard();

    assertEquals(10, queue.queuedBytes()); // the one being written
    ws.failNext(new IOException("aborted"));
    assertEquals(0, queue.queuedBytes());
    assertEquals(List.of("text:0123456789"), ws.sent);
    assertTrue(drained.isDone());
    assertEquals(List.of(), failures); // failures once closed are expected, not reported
  }

  @Test
  void reportsAFailedSendWhileOpenWithItsCause() {
    IOException broken = new IOException("broken pipe");
    queue.offer(text("a"));
    queue.offer(text("b"));

    ws.failNext(broken);

    assertEquals(List.of(broken), failures);
    assertEquals(List.of("text:a", "text:b"), ws.sent); // the queue goes on; the owner decides
  }

  @Test
  void treatsASendThatThrowsAsAFailedSend() {
    IllegalStateException refused = new IllegalStateException("Send pending");
    queue.offer(new Outbound(w -> {
      throw refused;
    }, 3));
    queue.offer(text("next"));

    assertEquals(List.of(refused), failures);
    assertEquals(List.of("text:next"), ws.sent);
    assertEquals(4, queue.queuedBytes());
  }

  @Test
  void loopsRatherThanRecursesWhenSendsCompleteAtOnce() {
    int count = 100_000;
    queue.offer(text("first")); // pending: the rest queue behind it
    for (int i = 0; i < count; i++) {
      queue.offer(text("x"));
    }
    ws.completeAtOnce = true;

    ws.completeNext(); // starts the other 100,000 in one go on this thread

    assertEquals(count + 1, ws.sent.size());
    assertEquals(0, queue.queuedBytes());
  }
}
