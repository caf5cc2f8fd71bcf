package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A peer's pause ({@link NettyWsChannel#pauseReading}) turns reading off only once bytes arrive
 * while it holds: a pause that ends before (a connect-first upstream held while its client's 101 is
 * written) costs no auto-read toggle, which on epoll is two {@code epoll_ctl} calls per handshake.
 * What arrives while paused waits, in order, until the peer resumes. On an
 * {@link io.netty.channel.embedded.EmbeddedChannel}, whose loop runs scheduled tasks only when told.
 */
class LazyPeerPauseTest {

  private final Leg leg = new Leg(true, 1 << 20, 1 << 20);

  private boolean autoRead() {
    return leg.ch.config().isAutoRead();
  }

  private static byte[] text(String s) {
    return Leg.frame(0x81, Leg.utf8(s), true);
  }

  @Test
  void aPauseThatEndsBeforeAnythingArrivesNeverTurnsReadingOff() {
    leg.ws.pauseReading();
    assertTrue(autoRead(), "nothing arrived: reading is still on");
    leg.ws.resumeReading();
    assertTrue(autoRead());
    leg.read(text("a"));
    assertEquals(List.of("text a"), leg.events);
  }

  @Test
  void bytesReadWhilePausedWaitAndStopReadingUntilThePeerResumes() {
    leg.ws.pauseReading();
    leg.read(Leg.concat(text("a"), text("b")));
    assertEquals(List.of(), leg.events, "nothing decoded while the peer is paused");
    assertFalse(autoRead(), "the bytes that arrived while paused stop reading");
    leg.read(text("c")); // still in the read loop that brought them
    leg.ch.runScheduledPendingTasks();
    assertEquals(List.of(), leg.events, "a turn passing does not end the pause");
    assertFalse(autoRead());
    leg.ws.resumeReading();
    leg.ch.runScheduledPendingTasks();
    assertEquals(List.of("text a", "text b", "text c"), leg.events, "all of it, in order");
    assertTrue(autoRead(), "reading resumes once what was held is decoded");
  }

  @Test
  void aPauseDuringAReadHoldsTheNextRead() {
    leg.read(text("a"));
    leg.ws.pauseReading(); // as a relay does when the other leg stops being writable
    leg.read(text("b"));
    assertEquals(List.of("text a"), leg.events);
    assertFalse(autoRead());
    leg.ws.resumeReading();
    leg.ch.runScheduledPendingTasks();
    assertEquals(List.of("text a", "text b"), leg.events);
    assertTrue(autoRead());
  }
}
