package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link FrameWriter}'s frames against Netty's own encoder and decoder. */
class FrameWriterTest {

  private static final int[] LENGTHS = {0, 1, 7, 8, 9, 64, 125, 126, 127, 1000, 65535, 65536,
      65539, (1 << 20) + 5};

  /**
   * The ways a payload reaches the writer: heap, at an offset, read-only (a Text's), direct, and a
   * sender's buffer set to little-endian (the bytes are what counts, not the order of its views).
   */
  enum Payload {
    HEAP(ByteBuffer::wrap),
    OFFSET(b -> {
      byte[] padded = new byte[b.length + 11];
      System.arraycopy(b, 0, padded, 5, b.length);
      return ByteBuffer.wrap(padded, 5, b.length).slice().position(0);
    }),
    POSITIONED(b -> {
      byte[] padded = new byte[b.length + 3];
      System.arraycopy(b, 0, padded, 3, b.length);
      return ByteBuffer.wrap(padded).position(3);
    }),
    READ_ONLY(b -> ByteBuffer.wrap(b).asReadOnlyBuffer()),
    DIRECT(b -> ByteBuffer.allocateDirect(b.length).put(b).flip()),
    LITTLE_ENDIAN(b -> ByteBuffer.wrap(b).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));

    final Function<byte[], ByteBuffer> make;

    Payload(Function<byte[], ByteBuffer> make) {
      this.make = make;
    }
  }

  private static byte[] bytes(int length) {
    byte[] b = new byte[length];
    new Random(length).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @EnumSource(Payload.class)
  void anUnmaskedFrameIsByteForByteWhatNettysEncoderWrites(Payload kind) {
    for (int length : LENGTHS) {
      byte[] data = bytes(length);
      ByteBuffer payload = kind.make.apply(data);
      int position = payload.position();
      ByteBuf ours = FrameWriter.frame(ByteBufAllocator.DEFAULT, FrameWriter.FINAL_BINARY, false,
          payload);
      EmbeddedChannel netty = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
      netty.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
      ByteBuf theirs = Unpooled.buffer();
      for (ByteBuf part; (part = netty.readOutbound()) != null; part.release()) {
        theirs.writeBytes(part);
      }
      try {
        assertTrue(ours.isDirect(), "the socket writes it without a copy");
        assertEquals(ByteBufUtil.hexDump(theirs), ByteBufUtil.hexDump(ours), "length " + length);
        assertEquals(position, payload.position(), "the payload's position is not moved");
      } finally {
        ours.release();
        theirs.release();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Payload.class)
  void aMaskedFrameDecodesWithNettysServerDecoderToThePayloadLeftUntouched(Payload kind) {
    for (int length : LENGTHS) {
      byte[] data = bytes(length);
      ByteBuffer payload = kind.make.apply(data.clone());
      ByteBuffer before = payload.duplicate();
      ByteBuf wire = FrameWriter.frame(ByteBufAllocator.DEFAULT, FrameWriter.FINAL_TEXT, true,
          payload);
      assertEquals((byte) FrameWriter.FINAL_TEXT, wire.getByte(0));
      assertTrue((wire.getByte(1) & 0x80) != 0, "the mask bit is set");
      EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(
          WebSocketDecoderConfig.newBuilder().expectMaskedFrames(true).allowExtensions(false)
              .withUTF8Validator(false).maxFramePayloadLength(8 << 20).build()));
      assertTrue(decoder.writeInbound(wire));
      WebSocketFrame frame = decoder.readInbound();
      try {
        assertInstanceOf(TextWebSocketFrame.class, frame);
        assertTrue(frame.isFinalFragment());
        assertArrayEquals(data, ByteBufUtil.getBytes(frame.content()), "length " + length);
        assertEquals(before, payload, "the sender's bytes and position are left as they were");
      } finally {
        frame.release();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void aMaskedHeapPayloadUnmasksTheSameWhetherTheBufferHasAnAddressOrNot() {
    for (int length : LENGTHS) {
      byte[] data = bytes(length);
      for (ByteBuf target : new ByteBuf[] {Unpooled.directBuffer(length + 14),
          Unpooled.buffer(length + 14)}) { // with a memory address (Unsafe), and a heap one
        try {
          int written = FrameWriter.write(target, FrameWriter.FINAL_BINARY, true,
              ByteBuffer.wrap(data.clone()));
          assertEquals(written, target.readableBytes());
          int start = FrameWriter.headerLength(length, true);
          int key = target.getInt(start - 4);
          byte[] unmasked = ByteBufUtil.getBytes(target, start, length);
          Masking.xor(unmasked, 0, length, key);
          assertArrayEquals(data, unmasked, "length " + length + " into " + target);
        } finally {
          target.release();
        }
      }
    }
  }
}
