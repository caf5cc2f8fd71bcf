package io.wsproxy.javawebsocket.internal.workarounds;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A first text fragment may end inside a character; anything invalid before that fails it. */
class FrameChecksUtf8Test {

  private static ByteBuffer bytes(int... b) {
    byte[] a = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      a[i] = (byte) b[i];
    }
    return ByteBuffer.wrap(a);
  }

  @Test
  void aFragmentEndingInsideACharacterCanBeginValidUtf8() {
    byte[] text = "a\u20ac\ud83d\ude00".getBytes(StandardCharsets.UTF_8); // 1 + 3 + 4 bytes
    for (int cut = 0; cut <= text.length; cut++) {
      ByteBuffer prefix = ByteBuffer.wrap(Arrays.copyOf(text, cut));
      assertTrue(FrameChecks.isUtf8Prefix(prefix), "cut at " + cut);
      assertTrue(prefix.position() == 0, "the buffer is not moved");
    }
    assertFalse(FrameChecks.isUtf8(ByteBuffer.wrap(Arrays.copyOf(text, 2))),
        "as a whole message the same bytes are not UTF-8");
  }

  @Test
  void invalidBytesBeforeTheEndFailAFirstFragment() {
    assertFalse(FrameChecks.isUtf8Prefix(bytes('a', 0xFF, 'b')), "a byte UTF-8 never has");
    assertFalse(FrameChecks.isUtf8Prefix(bytes(0xC0, 0x80)), "an overlong encoding");
    assertFalse(FrameChecks.isUtf8Prefix(bytes(0xED, 0xA0, 0x80)), "a surrogate");
    assertFalse(FrameChecks.isUtf8Prefix(bytes(0xE2, 0x82, 'a')), "a character broken off early");
    assertFalse(FrameChecks.isUtf8Prefix(bytes(0xF4, 0x90)), "past U+10FFFF, known at its second byte");
  }
}
