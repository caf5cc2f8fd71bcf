package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FloodPatternTest {

  @Test
  void theFloodIsBigEndianCountersOfEightBytes() {
    ByteBuffer m = FloodPattern.message(0, 24);
    assertEquals(0, m.position());
    assertEquals(0L, m.getLong(0));
    assertEquals(1L, m.getLong(8));
    assertEquals(2L, m.getLong(16));
    assertEquals(7L, FloodPattern.message(7 * 8, 8).getLong());
  }

  @Test
  void aMessageAtAnyOffsetAndLengthContinuesThePattern() {
    ByteBuffer unaligned = FloodPattern.message(8 * 300 + 5, 21); // head, longs, tail
    for (int i = 0; i < 21; i++) {
      assertEquals(FloodPattern.at(8 * 300 + 5 + i), unaligned.get(i), "byte " + i);
    }
    assertEquals((byte) 300, FloodPattern.at(8 * 300 + 7));
    assertEquals((byte) 1, FloodPattern.at(8 * 300 + 6)); // 300 = 0x012C
    assertThrows(IllegalArgumentException.class, () -> FloodPattern.message(-1, 8));
  }

  @Test
  void theCheckerAcceptsTheFloodInPiecesOfAnySize() {
    FloodPattern.Checker c = new FloodPattern.Checker();
    long offset = 0;
    for (int size : new int[] {1, 7, 65_536, 3, 100_000}) {
      c.accept(FloodPattern.message(offset, size));
      offset += size;
    }
    assertEquals(offset, c.received());
    assertTrue(c.inOrder());
    assertEquals(-1, c.firstMismatch());
  }

  @Test
  void theCheckerFindsASwappedPairOfMessages() {
    int n = FloodPattern.MESSAGE_BYTES;
    FloodPattern.Checker c = new FloodPattern.Checker();
    c.accept(FloodPattern.message(0, n));
    c.accept(FloodPattern.message(2L * n, n));
    c.accept(FloodPattern.message(n, n));
    assertFalse(c.inOrder());
    // the counters' high bytes agree: the first byte that differs is in the first 8 of the swap
    assertTrue(c.firstMismatch() >= n && c.firstMismatch() < n + 8, "" + c.firstMismatch());
    assertEquals(3L * n, c.received());
  }

  @Test
  void theCheckerFindsALostByte() {
    FloodPattern.Checker c = new FloodPattern.Checker();
    c.accept(FloodPattern.message(0, 100));
    c.accept(FloodPattern.message(101, 100));
    assertFalse(c.inOrder());
    assertTrue(c.firstMismatch() >= 100 && c.firstMismatch() < 108, "" + c.firstMismatch());
  }
}
