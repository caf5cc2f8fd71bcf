package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@link FrameWalker} follows frames across any split and unmasks client frames in place, so
 * that Netty's decoder, behind the {@link FairReads} that walks them, decodes exactly what it would
 * alone. The budget is unbounded here; {@link FairReadsTest} holds it to one.
 */
class FrameWalkerTest {

  private static final int[] LENGTHS = {0, 1, 3, 4, 7, 8, 9, 31, 125, 126, 127, 1000, 65535, 65536,
      70001};

  /** Client frames of every length class, masked by the encoder a client leg uses. */
  private static ByteBuf stream(List<byte[]> payloads) {
    EmbeddedChannel encoder = new EmbeddedChannel(MaskingFrameEncoder.INSTANCE);
    ByteBuf all = Unpooled.buffer();
    Random r = new Random(7);
    for (int len : LENGTHS) {
      byte[] p = new byte[len];
      r.nextBytes(p);
      payloads.add(p);
      encoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(p)));
    }
    // a fragmented message with a ping between its fragments
    payloads.add("frag".getBytes());
    encoder.writeOutbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer("fr".getBytes())));
    payloads.add(new byte[] {9, 9});
    encoder.writeOutbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {9, 9})));
    encoder.writeOutbound(new ContinuationWebSocketFrame(true, 0,
        Unpooled.wrappedBuffer("ag".getBytes())));
    ByteBuf b;
    while ((b = encoder.readOutbound()) != null) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  /** A channel with an unbounded {@link FairReads} (unmasking) in front of Netty's decoder. */
  private static EmbeddedChannel walkedAndDecoded() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(new FairReads(ch, true, Integer.MAX_VALUE),
        new WebSocket13FrameDecoder(Framing.decoderConfig(true, 1 << 20)));
    return ch;
  }

  /** Feeds {@code wire} in pieces cut at {@code cuts}, through the walker (or not) and Netty's decoder. */
  private static List<WebSocketFrame> decode(ByteBuf wire, List<Integer> cuts, boolean walker) {
    EmbeddedChannel ch = walker
        ? walkedAndDecoded()
        : new EmbeddedChannel(new WebSocket13FrameDecoder(Framing.decoderConfig(true, 1 << 20)));
    int at = 0;
    for (int cut : cuts) {
      // each piece a direct buffer of its own, as reads are
      ByteBuf piece = Unpooled.directBuffer(cut - at).writeBytes(wire, at, cut - at);
      ch.writeInbound(piece);
      at = cut;
    }
    List<WebSocketFrame> frames = new ArrayList<>();
    WebSocketFrame f;
    while ((f = ch.readInbound()) != null) {
      frames.add(f);
    }
    assertFalse(ch.finish());
    return frames;
  }

  private static List<Integer> randomCuts(int size, long seed) {
    Random r = new Random(seed);
    List<Integer> cuts = new ArrayList<>();
    int at = 0;
    while (at < size) {
      // mostly tiny pieces, so headers, keys and payloads are split everywhere; some big ones
      at = Math.min(size, at + (r.nextInt(4) == 0 ? 1 + r.nextInt(20000) : 1 + r.nextInt(9)));
      cuts.add(at);
    }
    return cuts;
  }

  @Test
  void framesSplitAtEveryKindOfBoundaryDecodeAsWithoutIt() {
    List<byte[]> payloads = new ArrayList<>();
    ByteBuf wire = stream(payloads);
    for (long seed = 1; seed <= 40; seed++) {
      List<Integer> cuts = randomCuts(wire.readableBytes(), seed);
      List<WebSocketFrame> got = decode(wire, cuts, true);
      assertEquals(LENGTHS.length + 3, got.size(), "seed " + seed);
      for (int i = 0; i < LENGTHS.length; i++) {
        assertInstanceOf(BinaryWebSocketFrame.class, got.get(i));
        assertArrayEquals(payloads.get(i), ByteBufUtil.getBytes(got.get(i).content()),
            "seed " + seed + ", frame of " + LENGTHS[i] + " bytes");
      }
      assertEquals("fr", got.get(LENGTHS.length).content().toString(
          java.nio.charset.StandardCharsets.UTF_8));
      assertInstanceOf(PingWebSocketFrame.class, got.get(LENGTHS.length + 1));
      assertArrayEquals(new byte[] {9, 9}, ByteBufUtil.getBytes(got.get(LENGTHS.length + 1).content()));
      assertEquals("ag", got.get(LENGTHS.length + 2).content().toString(
          java.nio.charset.StandardCharsets.UTF_8));
      got.forEach(WebSocketFrame::release);
    }
    wire.release();
  }

  @Test
  void inOneReadItDecodesTheSameAsNettyAlone() {
    List<byte[]> payloads = new ArrayList<>();
    ByteBuf wire = stream(payloads);
    List<Integer> whole = List.of(wire.readableBytes());
    List<WebSocketFrame> with = decode(wire, whole, true);
    List<WebSocketFrame> without = decode(wire, whole, false);
    assertEquals(without.size(), with.size());
    for (int i = 0; i < with.size(); i++) {
      assertEquals(without.get(i).getClass(), with.get(i).getClass());
      assertArrayEquals(ByteBufUtil.getBytes(without.get(i).content()),
          ByteBufUtil.getBytes(with.get(i).content()));
    }
    with.forEach(WebSocketFrame::release);
    without.forEach(WebSocketFrame::release);
    wire.release();
  }

  @Test
  void anUnmaskedClientFrameIsStillRefusedByTheDecoder() {
    EmbeddedChannel ch = walkedAndDecoded();
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 0x02, 1, 2}));
      throw new AssertionError("an unmasked frame was accepted");
    } catch (CorruptedWebSocketFrameException expected) {
      assertEquals(1002, expected.closeStatus().code());
    }
  }

  @Test
  void theKeyLeftInTheHeaderIsZeroAndThePayloadPlain() {
    ByteBuf frame = Unpooled.directBuffer().writeBytes(new byte[] {(byte) 0x81, (byte) 0x83,
        0x11, 0x22, 0x33, 0x44, 'a' ^ 0x11, 'b' ^ 0x22, 'c' ^ 0x33});
    FrameWalker walker = new FrameWalker(true);
    assertEquals(frame.writerIndex(), walker.walk(frame, Integer.MAX_VALUE));
    assertEquals(1, walker.framesEnded());
    assertArrayEquals(new byte[] {(byte) 0x81, (byte) 0x83, 0, 0, 0, 0, 'a', 'b', 'c'},
        ByteBufUtil.getBytes(frame));
    assertTrue(frame.release());
  }

  @Test
  void aCloseFrameComesThroughWithItsCodeAndReason() {
    EmbeddedChannel encoder = new EmbeddedChannel(MaskingFrameEncoder.INSTANCE);
    encoder.writeOutbound(new CloseWebSocketFrame(4000, "bye now"));
    ByteBuf wire = encoder.readOutbound();
    List<WebSocketFrame> got = decode(wire, randomCuts(wire.readableBytes(), 3), true);
    CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, got.get(0));
    assertEquals(4000, close.statusCode());
    assertEquals("bye now", close.reasonText());
    close.release();
    wire.release();
  }
}
