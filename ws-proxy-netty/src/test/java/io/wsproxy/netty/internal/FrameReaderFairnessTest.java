package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameReader} decodes at most {@link FrameReader#FRAMES_PER_TURN} frames per event-loop
 * turn (a turn here: the read itself, then each run of the loop's due scheduled tasks), the rest in
 * later turns in order, with reading off until all is decoded; a peer's pause holds both reading
 * and the rest. On an {@link io.netty.channel.embedded.EmbeddedChannel}, whose loop runs scheduled
 * tasks only when told.
 */
class FrameReaderFairnessTest {

  private static final int BUDGET = FrameReader.FRAMES_PER_TURN;
  private static final int FRAMES = 2 * BUDGET + 52;
  private static final int FRAME_BYTES = 7; // a masked one-byte frame

  private final Leg leg = new Leg(true, 1 << 20, 1 << 20);
  private int seen; // events checked so far

  /** {@code count} one-byte client frames, frame {@code i} carrying {@code first + i}. */
  private static byte[] oneByteFrames(int first, int count) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      all.writeBytes(Leg.frame(0x82, new byte[] {(byte) (first + i)}, true));
    }
    return all.toByteArray();
  }

  /** The messages since the last call; checks each carries the next number. */
  private int decoded() {
    int n = 0;
    for (; seen < leg.events.size(); seen++, n++) {
      assertEquals(String.format("binary %02x", seen & 0xFF), leg.events.get(seen), "frame " + seen);
    }
    return n;
  }

  private boolean autoRead() {
    return leg.ch.config().isAutoRead();
  }

  @Test
  void decodesAtMostItsBudgetPerTurnAndTheRestInOrderInLaterTurns() {
    leg.read(oneByteFrames(0, FRAMES));
    assertEquals(BUDGET, decoded(), "frames of the read's own turn");
    assertFalse(autoRead(), "reading waits while frames are held");
    int turns = 1;
    while (seen < FRAMES) {
      leg.ch.runScheduledPendingTasks();
      int n = decoded();
      assertTrue(n > 0 && n <= BUDGET, "turn " + turns + " decoded " + n);
      turns++;
    }
    assertEquals(3, turns);
    leg.ch.runScheduledPendingTasks();
    assertTrue(autoRead(), "reading resumes once all is decoded");
  }

  @Test
  void aReadWithinTheBudgetGoesThroughWholeAndTheNextReadHasABudgetOfItsOwn() {
    leg.read(oneByteFrames(0, BUDGET - 1));
    assertEquals(BUDGET - 1, decoded());
    assertTrue(autoRead());
    leg.read(oneByteFrames(BUDGET - 1, BUDGET - 1)); // one budget would have ended after its first
    assertEquals(BUDGET - 1, decoded(), "the second read went through whole");
    assertTrue(autoRead());
  }

  @Test
  void aPausedPeerHoldsTheRestAndReadingUntilItResumes() {
    leg.read(oneByteFrames(0, FRAMES));
    assertEquals(BUDGET, decoded());
    leg.ws.pauseReading();
    leg.ch.runScheduledPendingTasks();
    assertEquals(0, decoded(), "nothing decoded while the peer is paused");
    assertFalse(autoRead());
    leg.ws.resumeReading();
    assertFalse(autoRead(), "still holding frames: reading stays off");
    while (seen < FRAMES) {
      leg.ch.runScheduledPendingTasks();
      assertTrue(decoded() <= BUDGET);
    }
    leg.ch.runScheduledPendingTasks();
    assertTrue(autoRead());
  }

  @Test
  void bytesReadWhileFramesAreHeldComeAfterThem() {
    byte[] all = oneByteFrames(0, 3 * BUDGET);
    int split = FRAME_BYTES * (5 * BUDGET / 2);
    leg.read(Arrays.copyOf(all, split));
    assertEquals(BUDGET, decoded());
    leg.read(Arrays.copyOfRange(all, split, all.length)); // a read while frames are held
    assertEquals(0, decoded());
    while (seen < 3 * BUDGET) {
      leg.ch.runScheduledPendingTasks();
      assertTrue(decoded() <= BUDGET);
    }
  }

  @Test
  void aFrameSplitAcrossTwoReadsOfOneBatchCountsWhereItEnds() {
    byte[] all = oneByteFrames(0, BUDGET + 1);
    int split = FRAME_BYTES * BUDGET - 3; // into frame BUDGET - 1
    leg.ch.pipeline().fireChannelRead(
        io.netty.buffer.Unpooled.wrappedBuffer(Arrays.copyOf(all, split)));
    assertEquals(BUDGET - 1, decoded());
    leg.read(Arrays.copyOfRange(all, split, all.length));
    assertEquals(1, decoded(), "the budget's last frame; the read is cut behind it");
    assertFalse(autoRead());
    leg.ch.runScheduledPendingTasks();
    assertEquals(1, decoded());
    assertTrue(autoRead());
  }
}
