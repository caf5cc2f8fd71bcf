package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handshake's deadlines on one timer: each runs its own outcome at its own time. */
class HandshakeDeadlineTest {

  private final EmbeddedChannel ch = new EmbeddedChannel();
  private final List<String> ran = new ArrayList<>();

  @AfterEach
  void close() {
    HandshakeDeadline.endTaking();
    ch.finishAndReleaseAll();
  }

  private void at(long seconds) {
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
  }

  @Test
  void aDeadlineMovedLaterRunsOnlyItsOwnOutcomeAndOnlyAtItsOwnTime() {
    HandshakeDeadline d = new HandshakeDeadline(ch.eventLoop());
    d.set(TimeUnit.SECONDS.toNanos(5), () -> ran.add("head"));
    d.set(TimeUnit.SECONDS.toNanos(12), () -> ran.add("answer"));
    at(6); // the timer armed for the head's deadline fires, and waits on
    assertEquals(List.of(), ran);
    at(5);
    assertEquals(List.of(), ran, "11 s: before the answer's deadline");
    at(1);
    assertEquals(List.of("answer"), ran);
  }

  @Test
  void theDialsDeadlineRunsItsOwnOutcomeWhenItComesFirstAndTheAnswersStillRunsLater() {
    HandshakeDeadline d = new HandshakeDeadline(ch.eventLoop());
    d.set(TimeUnit.SECONDS.toNanos(10), () -> ran.add("answer"));
    HandshakeDeadline.beginTaking(d);
    assertNotNull(HandshakeDeadline.shareDial(ch.eventLoop(), TimeUnit.SECONDS.toNanos(3),
        () -> ran.add("dial")));
    assertNull(HandshakeDeadline.shareDial(ch.eventLoop(), TimeUnit.SECONDS.toNanos(3),
        () -> ran.add("second dial")), "one dial slot: a second dial arms its own timer");
    HandshakeDeadline.endTaking();
    at(3);
    assertEquals(List.of("dial"), ran);
    at(7);
    assertEquals(List.of("dial", "answer"), ran);
  }

  @Test
  void cancelledDeadlinesRunNothing() {
    HandshakeDeadline d = new HandshakeDeadline(ch.eventLoop());
    d.set(TimeUnit.SECONDS.toNanos(10), () -> ran.add("answer"));
    HandshakeDeadline.beginTaking(d);
    HandshakeDeadline shared = HandshakeDeadline.shareDial(ch.eventLoop(),
        TimeUnit.SECONDS.toNanos(20), () -> ran.add("dial"));
    HandshakeDeadline.endTaking();
    d.cancel();
    assertNotNull(shared);
    shared.cancelDial();
    at(30);
    assertEquals(List.of(), ran);
  }

  @Test
  void noDeadlineIsSharedOutsideAHandshakeBeingTaken() {
    HandshakeDeadline d = new HandshakeDeadline(ch.eventLoop());
    d.set(TimeUnit.SECONDS.toNanos(10), () -> ran.add("answer"));
    assertNull(HandshakeDeadline.shareDial(ch.eventLoop(), 1, () -> ran.add("dial")));
  }
}
