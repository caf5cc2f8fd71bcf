package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * Reading stays on through an upgrade until the client sends something before its answer (no
 * epoll_ctl for a client that waits): the first early bytes turn it off.
 */
class EarlyBytesTest {

  @Test
  void theFirstEarlyBytesTurnReadingOffAndNothingElseDoes() {
    EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    ChannelHandlerContext ctx = ch.pipeline().firstContext();
    EarlyBytes early = new EarlyBytes();
    assertTrue(ch.config().isAutoRead(), "a client that sent nothing is not paused");
    ByteBuf first = Unpooled.copiedBuffer(new byte[] {1, 2});
    early.add(ctx, first);
    assertFalse(ch.config().isAutoRead(), "the first early bytes stop reading");
    ch.config().setAutoRead(true); // as the open WebSocket does
    ByteBuf more = Unpooled.copiedBuffer(new byte[] {3});
    early.add(ctx, more); // the rest of the read they came in
    assertTrue(ch.config().isAutoRead(), "only the first bytes turn it off");
    early.release();
    assertEquals(0, first.refCnt());
    assertEquals(0, more.refCnt());
    ch.finishAndReleaseAll();
  }
}
