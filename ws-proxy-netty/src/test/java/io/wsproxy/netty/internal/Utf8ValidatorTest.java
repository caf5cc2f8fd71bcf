package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8Validator} agrees with the JDK's strict UTF-8 decoder on every input, fed whole or
 * cut anywhere, from an array or a {@link ByteBuf}.
 */
class Utf8ValidatorTest {

  private static boolean jdkValid(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Whole, valid UTF-8 once all of {@code b} is fed, cut at {@code cut}, through either path. */
  private static boolean valid(byte[] b, int cut, boolean array) {
    Utf8Validator v = new Utf8Validator();
    boolean ok;
    if (array) {
      ok = v.feed(b, 0, cut) && v.feed(b, cut, b.length - cut);
    } else {
      ByteBuf buf = Unpooled.directBuffer(b.length).writeBytes(b);
      ok = v.feed(buf, 0, cut) && v.feed(buf, cut, b.length - cut);
      buf.release();
    }
    return ok && v.complete();
  }

  /** Mostly characters of every length, some stray or cut bytes, some never-valid ones. */
  private static byte[] sample(Random r) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(6); i >= 0; i--) {
      s.appendCodePoint(switch (r.nextInt(4)) {
        case 0 -> 'a' + r.nextInt(26);
        case 1 -> 0x80 + r.nextInt(0x780);
        case 2 -> 0x800 + r.nextInt(0xD000);
        default -> 0x10000 + r.nextInt(0x100000);
      });
    }
    byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
    if (r.nextInt(3) == 0 && b.length > 0) {
      b[r.nextInt(b.length)] = (byte) r.nextInt(256); // maybe an overlong, surrogate or > U+10FFFF
    }
    return b;
  }

  @Test
  void agreesWithTheJdkDecoderOnEveryCutOfManySamples() {
    Random r = new Random(7);
    int invalid = 0;
    for (int n = 0; n < 20_000; n++) {
      byte[] b = sample(r);
      boolean expected = jdkValid(b);
      invalid += expected ? 0 : 1;
      for (int cut = 0; cut <= b.length; cut++) {
        for (boolean array : new boolean[] {true, false}) {
          assertEquals(expected, valid(b, cut, array),
              HexFormat.of().formatHex(b) + " cut at " + cut + (array ? " (array)" : " (ByteBuf)"));
        }
      }
    }
    assertTrue(invalid > 1000, "the samples hold invalid input too: " + invalid);
  }

  @Test
  void refusesEveryKindOfInvalidSequenceAtItsFirstImpossibleByte() {
    String[] invalid = {"c0af", "e080af", "eda080", "f4908080", "f5", "ff", "80", "c328"};
    for (String hex : invalid) {
      byte[] b = HexFormat.of().parseHex(hex);
      assertFalse(jdkValid(b), hex);
      assertFalse(new Utf8Validator().feed(b, 0, b.length), hex + " is refused while fed");
    }
    byte[] cut = HexFormat.of().parseHex("e282");
    Utf8Validator v = new Utf8Validator();
    assertTrue(v.feed(cut, 0, 2), "a cut character is fine while fed");
    assertFalse(v.complete(), "and not whole");
  }
}
