package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameReaderTest {

  /** An unmasked server frame. */
  private static byte[] frame(boolean fin, int opcode, int length) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write((fin ? 0x80 : 0) | opcode);
    if (length < 126) {
      b.write(length);
    } else if (length <= 0xFFFF) {
      b.write(126);
      b.write(length >> 8);
      b.write(length & 0xFF);
    } else {
      b.write(127);
      for (int i = 7; i >= 0; i--) {
        b.write((int) ((long) length >> (8 * i)) & 0xFF);
      }
    }
    b.writeBytes(new byte[length]);
    return b.toByteArray();
  }

  private static ByteBuffer concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return ByteBuffer.wrap(b.toByteArray());
  }

  @Test
  void countsWholeMessagesOfEveryLengthEncoding() throws IOException {
    FrameReader r = new FrameReader();
    assertEquals(3, r.feed(concat(frame(true, 2, 64), frame(true, 2, 300),
        frame(true, 2, 70_000)), -1));
  }

  @Test
  void aMessageSplitAcrossReadsAndFragmentsCountsOnceWhenItEnds() throws IOException {
    ByteBuffer all = concat(frame(false, 2, 600_000), frame(true, 9, 0), frame(true, 0, 448_576));
    FrameReader r = new FrameReader();
    int messages = 0;
    while (all.hasRemaining()) { // one byte, then chunks of 1,000: headers split too
      ByteBuffer chunk = all.slice(all.position(), Math.min(all.position() == 0 ? 1 : 1000,
          all.remaining()));
      all.position(all.position() + chunk.remaining());
      messages += r.feed(chunk, 1 << 20);
    }
    assertEquals(1, messages);
  }

  @Test
  void aDataSinkSeesEveryPayloadByteInOrderButNoControlPayload() throws IOException {
    byte[] first = frame(false, 2, 3);
    byte[] ping = {(byte) 0x89, 2, 'h', 'i'};
    byte[] last = frame(true, 0, 2);
    first[2] = 'a';
    first[3] = 'b';
    first[4] = 'c';
    last[2] = 'd';
    last[3] = 'e';
    ByteBuffer all = concat(first, ping, last);
    StringBuilder seen = new StringBuilder();
    FrameReader r = new FrameReader(data -> {
      while (data.hasRemaining()) {
        seen.append((char) data.get());
      }
    });
    int messages = 0;
    while (all.hasRemaining()) { // one byte at a time: every payload split
      messages += r.feed(all.slice(all.position(), 1), -1);
      all.position(all.position() + 1);
    }
    assertEquals(1, messages);
    assertEquals("abcde", seen.toString());
  }

  @Test
  void anEchoOfTheWrongSizeIsAnError() {
    FrameReader r = new FrameReader();
    assertThrows(IOException.class, () -> r.feed(ByteBuffer.wrap(frame(true, 2, 63)), 64));
  }

  @Test
  void aCloseFrameIsNoticedAndIsNoMessage() throws IOException {
    FrameReader r = new FrameReader();
    assertFalse(r.closeReceived());
    assertEquals(0, r.feed(ByteBuffer.wrap(frame(true, 8, 2)), 64));
    assertTrue(r.closeReceived());
  }

  @Test
  void theCloseCodeAndReasonAreKeptEvenWhenSplit() throws IOException {
    byte[] close = {(byte) 0x88, 6, 0x03, (byte) 0xF1, 'b', 'i', 'g', '!'};
    FrameReader r = new FrameReader();
    assertEquals("", r.closeStatus());
    r.feed(ByteBuffer.wrap(close, 0, 3), -1);
    r.feed(ByteBuffer.wrap(close, 3, 5), -1);
    assertEquals("1009 big!", r.closeStatus());
  }

  @Test
  void aPingsPayloadIsHandedOutOnceToBeAnswered() throws IOException {
    byte[] ping = {(byte) 0x89, 2, 'h', 'i'};
    FrameReader r = new FrameReader();
    assertEquals(1, r.feed(concat(ping, frame(true, 2, 64)), 64));
    assertEquals("hi", new String(r.takePing(), java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(null, r.takePing());
  }

  @Test
  void theMaskedClientFrameHasTheRightHeader() {
    ByteBuffer f = WsWire.maskedFrame(WsWire.BINARY, new byte[1 << 20]);
    assertEquals(10 + 4 + (1 << 20), f.remaining());
    assertEquals((byte) 0x82, f.get(0));
    assertEquals((byte) (0x80 | 127), f.get(1));
    assertEquals(1L << 20, f.getLong(2));
    assertEquals(2 + 4 + 64, WsWire.maskedFrame(WsWire.BINARY, new byte[64]).remaining());
  }
}
