package io.wsproxy.jdk.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {

  @Test
  void returnsAMessageThatArrivesInOnePart() {
    MessageAssembler a = new MessageAssembler(100);

    assertEquals("hello", a.text("hello", true));
    assertArrayEquals(new byte[] {1, 2}, bytes(a.binary(ByteBuffer.wrap(new byte[] {1, 2}), true)));
    assertFalse(a.tooBig());
  }

  @Test
  void joinsTextParts() {
    MessageAssembler a = new MessageAssembler(100);

    assertNull(a.text("hel", false));
    assertNull(a.text("lo ", false));
    assertEquals("hello wörld", a.text("wörld", true));
    assertEquals("next", a.text("next", true));
  }

  @Test
  void joinsBinaryPartsPastTheInitialCapacity() {
    int size = MessageAssembler.INITIAL_BINARY_CAPACITY_BYTES * 3 + 17;
    byte[] payload = new byte[size];
    new Random(1).nextBytes(payload);
    MessageAssembler a = new MessageAssembler(size);
    ByteBuffer whole = null;
    int part = 16 * 1024;

    for (int off = 0; off < size; off += part) {
      int n = Math.min(part, size - off);
      whole = a.binary(ByteBuffer.wrap(payload, off, n), off + n == size);
    }

    assertArrayEquals(payload, bytes(whole));
    assertFalse(a.tooBig());
  }

  @Test
  void copiesBinaryPartsSoTheJdkMayReuseItsBuffer() {
    MessageAssembler a = new MessageAssembler(100);
    byte[] jdkBuffer = {1, 2, 3};

    ByteBuffer whole = a.binary(ByteBuffer.wrap(jdkBuffer), true);
    jdkBuffer[0] = 9;

    assertArrayEquals(new byte[] {1, 2, 3}, bytes(whole));
  }

  @Test
  void acceptsAMessageOfExactlyTheLimitInUtf8Bytes() {
    MessageAssembler a = new MessageAssembler(1000);

    assertEquals(500, a.text("é".repeat(500), true).length());
    assertNull(a.text("é".repeat(250), false));
    assertEquals(500, a.text("é".repeat(250), true).length());
  }

  @Test
  void flagsTextOverTheLimitCountingUtf8Bytes() {
    MessageAssembler a = new MessageAssembler(1000);

    assertNull(a.text("é".repeat(501), true)); // 501 chars, 1002 bytes

    assertTrue(a.tooBig());
  }

  @Test
  void flagsPartsThatAddUpToMoreThanTheLimitAndStaysFlagged() {
    MessageAssembler a = new MessageAssembler(1000);

    assertNull(a.binary(ByteBuffer.allocate(600), false));
    assertFalse(a.tooBig());
    assertNull(a.binary(ByteBuffer.allocate(600), true));
    assertTrue(a.tooBig());
    assertNull(a.text("small", true));
    assertTrue(a.tooBig());
  }

  @Test
  void countsUtf8BytesLikeTheEncoder() {
    assertEquals(3, MessageAssembler.utf8Length("abc"));
    assertEquals(2, MessageAssembler.utf8Length("é"));
    assertEquals(3, MessageAssembler.utf8Length("€"));
    assertEquals(4, MessageAssembler.utf8Length("😀"));
    assertEquals(3, MessageAssembler.utf8Length("\ud800")); // lone surrogate: replaced by 3 bytes
  }

  @Test
  void refusesANonPositiveLimit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MessageAssembler(0));
    assertTrue(e.getMessage().contains("maxBytes"));
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
