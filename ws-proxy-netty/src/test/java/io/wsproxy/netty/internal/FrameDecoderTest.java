package io.wsproxy.netty.internal;

import static io.wsproxy.netty.internal.Leg.concat;
import static io.wsproxy.netty.internal.Leg.frame;
import static io.wsproxy.netty.internal.Leg.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameDecoder}'s header state machine and payload runs, through its {@link FrameReader} on
 * an {@link io.netty.channel.embedded.EmbeddedChannel}: the same events whatever the reads' split,
 * and each violation failing the connection with its code as soon as it can be known.
 */
class FrameDecoderTest {

  private static final int LIMIT = 1 << 20;

  /** Text in one frame, text in fragments cut inside a character around a ping, and more. */
  private static byte[] mixed(boolean masked) {
    byte[] euro = utf8("€"); // three bytes: cut after the first
    byte[] binary = new byte[300]; // a 16-bit length
    new Random(3).nextBytes(binary);
    return concat(
        frame(0x81, utf8("héllo"), masked),
        frame(0x01, concat(utf8("a"), Arrays.copyOf(euro, 1)), masked),
        frame(0x89, utf8("p"), masked), // a ping between two fragments
        frame(0x00, new byte[0], masked), // an empty fragment in the middle
        frame(0x80, concat(Arrays.copyOfRange(euro, 1, 3), utf8("b")), masked),
        frame(0x82, binary, masked),
        frame(0x8A, new byte[0], masked),
        frame(0x82, new byte[0], masked),
        frame(0x81, new byte[0], masked),
        frame(0x88, concat(new byte[] {0x03, (byte) 0xE8}, utf8("bye")), masked));
  }

  private static List<String> mixedEvents() {
    Leg whole = new Leg(true, LIMIT, LIMIT);
    whole.read(mixed(true));
    List<String> events = whole.events;
    assertEquals("text héllo", events.get(0));
    assertEquals("ping 70", events.get(1));
    assertEquals("text a€b", events.get(2));
    assertEquals("close 1000 bye", events.get(events.size() - 1));
    assertEquals(List.of("8a 70", "88 03e8"), whole.written(), "the pong, then the close echoed");
    return events;
  }

  @Test
  void everySplitIntoTwoReadsGivesTheSameEventsAsOneRead() {
    List<String> expected = mixedEvents();
    byte[] wire = mixed(true);
    for (int cut = 1; cut < wire.length; cut++) {
      Leg leg = new Leg(true, LIMIT, LIMIT);
      leg.read(wire, 0, cut);
      leg.read(wire, cut, wire.length);
      assertEquals(expected, leg.events, "cut at " + cut);
    }
  }

  @Test
  void oneByteReadsGiveTheSameEventsOnBothLegs() {
    List<String> expected = mixedEvents();
    for (boolean server : new boolean[] {true, false}) {
      byte[] wire = mixed(server);
      Leg leg = new Leg(server, LIMIT, LIMIT);
      for (int i = 0; i < wire.length; i++) {
        leg.read(wire, i, i + 1);
      }
      assertEquals(expected, leg.events, server ? "server leg" : "client leg");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {125, 126, 65_535, 65_536, 70_001})
  void aLargeFrameSplitAtEveryHeaderByteAndAcrossThePayloadComesThroughWhole(int length) {
    byte[] payload = new byte[length];
    new Random(length).nextBytes(payload);
    byte[] wire = frame(0x82, payload, true);
    Leg whole = new Leg(true, LIMIT, LIMIT);
    whole.read(wire);
    assertEquals(1, whole.events.size());
    assertEquals("binary " + Leg.hex(java.nio.ByteBuffer.wrap(payload)), whole.events.get(0));
    for (int cut = 1; cut < 16; cut++) {
      Leg leg = new Leg(true, LIMIT, LIMIT);
      leg.read(wire, 0, cut);
      int mid = cut + (wire.length - cut) / 3; // and twice more inside the payload
      leg.read(wire, cut, mid);
      leg.read(wire, mid, mid + 5);
      leg.read(wire, mid + 5, wire.length);
      assertEquals(whole.events, leg.events, "cut at " + cut);
    }
  }

  @Test
  void aFrameOverTheFrameLimitFailsWith1009FromItsHeaderAlone() {
    Leg leg = new Leg(true, 1000, LIMIT);
    leg.read(Arrays.copyOf(frame(0x82, new byte[1001], true), 4)); // no key, no payload yet
    assertEquals(List.of("close 1009 Message too big"), leg.events);
    assertEquals(List.of("88 03f1" + hex("Message too big")), leg.written());
  }

  @Test
  void aFragmentTakingTheMessageOverItsLimitFailsWith1009AtItsHeader() {
    Leg leg = new Leg(true, 1000, 1500);
    leg.read(concat(frame(0x02, new byte[1000], true),
        Arrays.copyOf(frame(0x80, new byte[501], true), 4)));
    assertEquals(List.of("close 1009 Message too big"), leg.events);
  }

  @Test
  void invalidUtf8FailsWith1007AtTheFragmentThatHoldsItNotAtTheMessageEnd() {
    Leg leg = new Leg(true, LIMIT, LIMIT);
    leg.read(frame(0x01, new byte[] {'o', 'k', (byte) 0xC3, 0x28}, true)); // not final
    assertEquals(List.of("close 1007 Invalid UTF-8"), leg.events);
    assertEquals(List.of("88 03ef" + hex("Invalid UTF-8")), leg.written());
  }

  @Test
  void aCharacterCutOffByTheFinalFragmentFailsWith1007() {
    Leg leg = new Leg(true, LIMIT, LIMIT);
    leg.read(frame(0x01, new byte[] {'o', (byte) 0xE2, (byte) 0x82}, true));
    assertEquals(List.of(), leg.events, "an incomplete character is fine until the message ends");
    leg.read(frame(0x80, new byte[0], true));
    assertEquals(List.of("close 1007 Invalid UTF-8"), leg.events);
  }

  @Test
  void framesMaskedTheWrongWayFailWith1002OnBothLegs() {
    for (boolean server : new boolean[] {true, false}) {
      Leg leg = new Leg(server, LIMIT, LIMIT);
      leg.read(frame(0x81, utf8("x"), !server));
      assertEquals(List.of("close 1002 Protocol error"), leg.events, server ? "server" : "client");
    }
  }

  @Test
  void closeCodesNettyRefusedAre1002WithItsReasonAndCodesOver4999WithTheChannels() {
    Leg refused = new Leg(true, LIMIT, LIMIT);
    refused.read(frame(0x88, new byte[] {0x03, (byte) 0xED}, true)); // 1005
    assertEquals(List.of("close 1002 Protocol error"), refused.events);
    Leg high = new Leg(true, LIMIT, LIMIT);
    high.read(frame(0x88, new byte[] {0x13, (byte) 0x88}, true)); // 5000
    assertEquals(List.of("close 1002 Invalid close code"), high.events);
  }

  @Test
  void nothingAfterAViolationIsDecodedInTheSameReadOrLater() {
    Leg leg = new Leg(true, LIMIT, LIMIT);
    leg.read(concat(frame(0x83, utf8("x"), true), frame(0x81, utf8("late"), true)));
    leg.read(frame(0x89, utf8("p"), true));
    assertEquals(List.of("close 1002 Protocol error"), leg.events);
    assertEquals(1, leg.written().size(), "the close, and no pong");
    assertTrue(leg.ws.handler().draining());
  }

  @Test
  void framesBehindThePeersCloseAreNotDecoded() {
    Leg leg = new Leg(true, LIMIT, LIMIT);
    leg.read(concat(frame(0x88, new byte[0], true), frame(0x81, utf8("late"), true)));
    assertEquals(List.of("close 1005 "), leg.events);
  }

  @Test
  void aWholeMaskedMessageOfEveryLengthIsUnmaskedCopiedFirstOrWhileCopied() {
    java.util.stream.IntStream lengths = java.util.stream.IntStream.concat(
        java.util.stream.IntStream.rangeClosed(0, 64 + 13), // every tail behind the 8-byte steps
        java.util.stream.IntStream.rangeClosed(FrameDecoder.COPY_THEN_UNMASK - 13,
            FrameDecoder.COPY_THEN_UNMASK + 13)); // on both sides of the way it is unmasked
    for (int length : lengths.toArray()) {
      byte[] payload = new byte[length];
      new Random(length).nextBytes(payload);
      Leg leg = new Leg(true, LIMIT, LIMIT);
      leg.read(concat(frame(0x82, payload, true), frame(0x82, payload, true)));
      String event = "binary " + Leg.hex(java.nio.ByteBuffer.wrap(payload));
      assertEquals(List.of(event, event), leg.events, "length " + length);
    }
  }

  private static String hex(String s) {
    return java.util.HexFormat.of().formatHex(utf8(s));
  }
}
