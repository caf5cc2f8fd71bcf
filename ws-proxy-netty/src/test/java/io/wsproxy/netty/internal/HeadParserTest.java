package io.wsproxy.netty.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The head parser reads a head cut anywhere as it reads it whole, and refuses what is malformed. */
class HeadParserTest {

  private static final String REQUEST = "\r\nGET /chat?x=1 HTTP/1.1\r\nHost: a.test\r\n"
      + "Upgrade:websocket\r\nX-Multi: 1\r\nx-multi:  2 \t\r\nX-Latin: caf\u00e9\r\n"
      + "X-Empty:\r\n\r\nFRAMES";

  @Test
  void readsARequestHeadCutAtEveryPlaceAndLeavesWhatFollowsIt() throws Exception {
    byte[] bytes = REQUEST.getBytes(ISO_8859_1);
    for (int cut = 0; cut <= bytes.length; cut++) {
      for (int cut2 = cut; cut2 <= bytes.length; cut2 += 7) {
        List<ByteBuf> parts = List.of(Unpooled.wrappedBuffer(bytes, 0, cut),
            Unpooled.wrappedBuffer(bytes, cut, cut2 - cut),
            Unpooled.wrappedBuffer(bytes, cut2, bytes.length - cut2));
        HeadParser p = new HeadParser(true, 100, 200);
        HeadParser.Head head = null;
        StringBuilder rest = new StringBuilder();
        for (ByteBuf part : parts) {
          if (head == null) {
            head = p.parse(part, ByteBufAllocator.DEFAULT);
          }
          if (head != null) {
            rest.append(part.toString(ISO_8859_1));
          }
        }
        assertNotNull(head, "cut at " + cut + ", " + cut2);
        assertEquals("GET", head.first());
        assertEquals("/chat?x=1", head.second());
        assertEquals("HTTP/1.1", head.third());
        assertEquals(List.of("1", "2"), head.headers().all("x-MULTI"));
        assertEquals("websocket", head.headers().first("upgrade").orElseThrow());
        assertEquals("caf\u00e9", head.headers().first("X-Latin").orElseThrow());
        assertEquals("", head.headers().first("X-Empty").orElseThrow());
        assertEquals(6, head.fields());
        assertEquals("FRAMES", rest.toString());
      }
    }
  }

  @Test
  void readsAStatusLineWithAndWithoutAReasonAndBareLineFeeds() throws Exception {
    HeadParser.Head h = parse(false, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\n\n");
    assertEquals("HTTP/1.1", h.first());
    assertEquals("101", h.second());
    assertEquals("Switching Protocols", h.third());
    assertEquals(List.of("websocket"), h.headers().all("Upgrade"));
    h = parse(false, "HTTP/1.0 404\r\n\r\n");
    assertEquals("HTTP/1.0", h.first());
    assertEquals("404", h.second());
    assertEquals("", h.third());
  }

  @Test
  void readsCommonNamesAndValuesAsSharedConstants() throws Exception {
    HeadParser.Head h = parse(true, "GET / HTTP/1.1\r\nUpgrade: websocket\r\nupgrade: x\r\n\r\n");
    assertSame("GET", h.first());
    assertSame("Upgrade", h.headers().names().iterator().next());
    assertSame("websocket", h.headers().all("upgrade").get(0));
    assertEquals("x", h.headers().all("upgrade").get(1));
  }

  @Test
  void needsMoreUntilTheEmptyLine() throws Exception {
    HeadParser p = new HeadParser(true, 100, 200);
    ByteBuf b = Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: a\r\n", ISO_8859_1);
    assertNull(p.parse(b, ByteBufAllocator.DEFAULT));
    assertEquals(0, b.readableBytes());
    assertNotNull(p.parse(Unpooled.copiedBuffer("\r\n", ISO_8859_1), ByteBufAllocator.DEFAULT));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n",
      "GET / HTTP/1.1\r\nno colon\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
      "GET / HTTP/1.1\r\n: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\u0001b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\u0000\r\n\r\n",
      "GET /  HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1 x\r\n\r\n",
      "GET /\r\n\r\n",
      "GET\r\n\r\n",
      " GET / HTTP/1.1\r\n\r\n",
      "GET / HTTX/1.1\r\n\r\n",
      "GET / HTTP/1.12\r\n\r\n",
      "GET / HTTP/a.1\r\n\r\n",
      "G(T / HTTP/1.1\r\n\r\n",
      "GET /\u0001 HTTP/1.1\r\n\r\n"})
  void refusesMalformedRequestHeadsWith400(String head) {
    HeadParser.Failure f = assertThrows(HeadParser.Failure.class, () -> parse(true, head));
    assertEquals(400, f.status(), f.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 1010 x\r\n\r\n", "HTTP/1.1 abc\r\n\r\n", "HTTP/1.1\r\n\r\n",
      "FTP/1.1 101 x\r\n\r\n"})
  void refusesMalformedStatusLines(String head) {
    HeadParser.Failure f = assertThrows(HeadParser.Failure.class, () -> parse(false, head));
    assertEquals(400, f.status(), f.getMessage());
  }

  @Test
  void refusesAStartLineOverItsLimitWith431InAnySplit() {
    String line = "GET /" + "a".repeat(95) + " HTTP/1.1";
    for (int split = 1; split < line.length(); split += 13) {
      HeadParser p = new HeadParser(true, 100, 200);
      int s = split;
      HeadParser.Failure f = assertThrows(HeadParser.Failure.class, () -> {
        assertNull(p.parse(Unpooled.copiedBuffer(line.substring(0, s), ISO_8859_1),
            ByteBufAllocator.DEFAULT));
        p.parse(Unpooled.copiedBuffer(line.substring(s) + "\r\n\r\n", ISO_8859_1),
            ByteBufAllocator.DEFAULT);
      });
      assertEquals(431, f.status());
      p.release();
    }
  }

  @Test
  void acceptsHeadsRightAtTheLimits() throws Exception {
    String target = "/" + "a".repeat(100 - "GET  HTTP/1.1\r".length() - 1); // 100 bytes to the LF
    String field = "X: " + "v".repeat(200 - 2 - 3 - 2) + "\r\n"; // 198 bytes, with the end: 200 - 2
    HeadParser.Head h = parse(true, "GET " + target + " HTTP/1.1\r\n" + field + "\r\n");
    assertEquals(target, h.second());
  }

  @Test
  void refusesAHeaderBlockOverItsLimitWith431EvenOneByteAtATime() {
    List<String> lines = new ArrayList<>();
    lines.add("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 30; i++) {
      lines.add("X-" + i + ": 0123456789\r\n");
    }
    String all = String.join("", lines) + "\r\n";
    HeadParser p = new HeadParser(true, 100, 200);
    HeadParser.Failure f = assertThrows(HeadParser.Failure.class, () -> {
      for (int i = 0; i < all.length(); i++) {
        p.parse(Unpooled.copiedBuffer(all.substring(i, i + 1), ISO_8859_1),
            ByteBufAllocator.DEFAULT);
      }
    });
    assertEquals(431, f.status());
    p.release();
  }

  @Test
  void aLongLineThenShortOnesOnTheSameThreadReadOnlyTheirOwnBytes() throws Exception {
    String longValue = "v".repeat(5000);
    HeadParser big = new HeadParser(true, 100, 10_000);
    HeadParser.Head h = big.parse(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nX-Long: " + longValue
        + "\r\n\r\n", ISO_8859_1), ByteBufAllocator.DEFAULT);
    assertEquals(longValue, h.headers().first("x-long").orElseThrow());
    h = parse(true, "GET /b HTTP/1.1\r\nX: 1\r\nHost: h\r\n\r\n");
    assertEquals("/b", h.second());
    assertEquals("1", h.headers().first("X").orElseThrow());
    assertEquals("h", h.headers().first("Host").orElseThrow());
    assertEquals(2, h.fields());
  }

  private static HeadParser.Head parse(boolean request, String head) throws HeadParser.Failure {
    HeadParser p = new HeadParser(request, 100, 200);
    HeadParser.Head h = p.parse(Unpooled.copiedBuffer(head, ISO_8859_1), ByteBufAllocator.DEFAULT);
    assertNotNull(h, head);
    return h;
  }
}
