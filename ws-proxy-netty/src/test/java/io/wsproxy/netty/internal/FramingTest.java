package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import org.junit.jupiter.api.Test;

/** Close frames made from the channel's allocator carry what Netty's own constructor puts in. */
class FramingTest {

  private final EmbeddedChannel ch = new EmbeddedChannel();

  @Test
  void aCloseFrameHoldsTheCodeAndTheUtf8ReasonAsNettysDoes() {
    for (String reason : new String[] {"", "bye", "ünïcødé ✓", null}) {
      CloseWebSocketFrame ours = Framing.closeFrame(ch, 4000, reason);
      CloseWebSocketFrame netty = new CloseWebSocketFrame(4000, reason);
      try {
        assertEquals(ByteBufUtil.hexDump(netty.content()), ByteBufUtil.hexDump(ours.content()));
        assertEquals(4000, ours.statusCode());
        assertEquals(reason == null ? "" : reason, ours.reasonText());
        assertSame(ch.alloc(), ours.content().alloc(), "the channel's allocator, not Unpooled");
      } finally {
        ours.release();
        netty.release();
      }
    }
  }

  @Test
  void aCodeNotAllowedOnTheWireIsRefusedAsByNetty() {
    assertThrows(IllegalArgumentException.class, () -> Framing.closeFrame(ch, 1005, ""));
    assertThrows(IllegalArgumentException.class, () -> new CloseWebSocketFrame(1005, ""));
  }
}
