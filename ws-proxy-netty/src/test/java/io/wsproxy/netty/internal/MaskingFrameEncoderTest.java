package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MaskingFrameEncoderTest {

  /** Encodes {@code frame}, then decodes it with Netty's server-side decoder (masks required). */
  private static WebSocketFrame roundTrip(WebSocketFrame frame) {
    EmbeddedChannel encoder = new EmbeddedChannel(MaskingFrameEncoder.INSTANCE);
    assertTrue(encoder.writeOutbound(frame));
    ByteBuf wire = encoder.readOutbound();
    assertTrue(wire.isDirect(), "frames are direct, so the socket write copies nothing");
    assertTrue((wire.getByte(1) & 0x80) != 0, "the mask bit is set");
    EmbeddedChannel decoder = new EmbeddedChannel(
        new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder().expectMaskedFrames(true)
            .maxFramePayloadLength(8 << 20).build()));
    assertTrue(decoder.writeInbound(wire));
    WebSocketFrame decoded = decoder.readInbound();
    assertFalse(encoder.finish());
    return decoded;
  }

  private static byte[] payload(int length) {
    byte[] b = new byte[length];
    new Random(length).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 125, 126, 127, 1000, 65535, 65536, 65539,
      1 << 20, (1 << 20) + 5})
  void aHeapPayloadOfEveryLengthClassComesBackUnmaskedIntact(int length) {
    byte[] data = payload(length);
    // an offset into a larger array, as the relay's buffers may be
    byte[] padded = new byte[length + 11];
    System.arraycopy(data, 0, padded, 5, length);
    WebSocketFrame out = roundTrip(
        new BinaryWebSocketFrame(Unpooled.wrappedBuffer(padded, 5, length)));
    try {
      assertInstanceOf(BinaryWebSocketFrame.class, out);
      assertArrayEquals(data, ByteBufUtil.getBytes(out.content()));
    } finally {
      out.release();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 5, 8, 13, 300, 70000})
  void aDirectPayloadIsMaskedInPlaceAfterTheCopyAndComesBackIntact(int length) {
    byte[] data = payload(length);
    ByteBuf direct = Unpooled.directBuffer(length).writeBytes(data);
    WebSocketFrame out = roundTrip(new TextWebSocketFrame(direct));
    try {
      assertInstanceOf(TextWebSocketFrame.class, out);
      assertArrayEquals(data, ByteBufUtil.getBytes(out.content()));
    } finally {
      out.release();
    }
  }

  @Test
  void fragmentsKeepTheirOpcodeFinBitAndRsv() {
    WebSocketFrame first = roundTrip(
        new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {'a', 'b'})));
    assertInstanceOf(TextWebSocketFrame.class, first);
    assertFalse(first.isFinalFragment());
    first.release();
    EmbeddedChannel encoder = new EmbeddedChannel(MaskingFrameEncoder.INSTANCE);
    encoder.writeOutbound(new ContinuationWebSocketFrame(true, 3, Unpooled.wrappedBuffer(new byte[] {'c'})));
    ByteBuf wire = encoder.readOutbound();
    assertEquals((byte) (0x80 | 3 << 4), wire.getByte(0), "FIN, RSV bits 011, opcode 0");
    wire.release();
  }

  @Test
  void aControlFrameOverItsLimitIsRefused() {
    EmbeddedChannel encoder = new EmbeddedChannel(MaskingFrameEncoder.INSTANCE);
    assertThrows(EncoderException.class,
        () -> encoder.writeOutbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[126]))));
  }

  @Test
  void theSourceBufferIsLeftUnmasked() {
    byte[] data = payload(100);
    byte[] copy = data.clone();
    roundTrip(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data))).release();
    assertArrayEquals(copy, data, "a broadcast sends the same bytes to several channels");
  }
}
