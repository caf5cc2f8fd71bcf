package io.wsproxy.netty.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ready server's request decoder fires one head, then leaves; the bytes behind the head go on
 * when it leaves, so an upgrade taken on the head (which takes the decoder out) holds them before
 * anything it does next.
 */
class RequestHeadDecoderTest {

  private static final Duration LONG = Duration.ofMinutes(1);
  private static final String HEAD = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";

  @Test
  void firesTheHeadThenWhatFollowedItAndLeavesThePipeline() {
    EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadDecoder(100, 200, LONG));
    ch.writeInbound(Unpooled.copiedBuffer("GET /a HT", ISO_8859_1));
    assertNull(ch.readInbound(), "no head yet");
    ch.writeInbound(Unpooled.copiedBuffer("TP/1.1\r\nHost: x\r\n\r\nFRAMES", ISO_8859_1));
    RequestHead head = ch.readInbound();
    assertEquals("/a", head.target());
    assertEquals("x", head.headers().first("Host").orElseThrow());
    ByteBuf rest = ch.readInbound();
    assertEquals("FRAMES", rest.toString(ISO_8859_1));
    rest.release();
    assertNull(ch.pipeline().get(RequestHeadDecoder.class), "the decoder left");
    ch.writeInbound(Unpooled.copiedBuffer("MORE", ISO_8859_1));
    ByteBuf more = ch.readInbound();
    assertEquals("MORE", more.toString(ISO_8859_1), "later bytes pass as they are");
    more.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void theBytesBehindTheHeadGoOnWhenATakenUpgradeTakesTheDecoderOut() {
    StringBuilder seen = new StringBuilder();
    EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadDecoder(100, 200, LONG),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof RequestHead) {
              seen.append("head;");
              EarlyBytes.stopHttpDecoding(ctx.pipeline());
              seen.append("stopped;");
            } else {
              ByteBuf b = (ByteBuf) msg;
              seen.append(b.toString(ISO_8859_1)).append(';');
              b.release();
            }
          }
        });
    ch.writeInbound(Unpooled.copiedBuffer(HEAD + "FRAMES", ISO_8859_1));
    assertEquals("head;FRAMES;stopped;", seen.toString());
    ch.finishAndReleaseAll();
  }

  @Test
  void aMalformedHeadIsFiredAsA400AndWhatFollowsIsDropped() {
    EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadDecoder(100, 200, LONG));
    ByteBuf in = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n folded\r\n\r\nFRAMES", ISO_8859_1);
    ch.writeInbound(in);
    RequestHead head = ch.readInbound();
    assertEquals(400, head.failure());
    assertNull(ch.readInbound());
    assertEquals(0, in.refCnt());
    ch.finishAndReleaseAll();
  }

  @Test
  void aLineOverTheLimitIsFiredAsA431() {
    EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadDecoder(10, 200, LONG));
    ch.writeInbound(Unpooled.copiedBuffer("GET /0123456789", ISO_8859_1));
    RequestHead head = ch.readInbound();
    assertEquals(431, head.failure());
    assertTrue(!head.isWebSocketUpgrade());
    ch.finishAndReleaseAll();
  }

  @Test
  void closesAConnectionWhoseHeadIsNotInWithinTheDeadlineAndNotOneWhoseHeadIs() {
    EmbeddedChannel slow = new EmbeddedChannel(new RequestHeadDecoder(100, 200,
        Duration.ofSeconds(5)));
    slow.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHo", ISO_8859_1));
    slow.advanceTimeBy(4, TimeUnit.SECONDS);
    slow.runScheduledPendingTasks();
    assertTrue(slow.isOpen(), "still within the deadline");
    slow.advanceTimeBy(2, TimeUnit.SECONDS);
    slow.runScheduledPendingTasks();
    assertFalse(slow.isOpen(), "closed at the deadline");

    EmbeddedChannel quick = new EmbeddedChannel(new RequestHeadDecoder(100, 200,
        Duration.ofSeconds(5)));
    quick.writeInbound(Unpooled.copiedBuffer(HEAD, ISO_8859_1));
    quick.advanceTimeBy(6, TimeUnit.SECONDS);
    quick.runScheduledPendingTasks();
    assertTrue(quick.isOpen(), "a head in time ends the deadline");
    quick.finishAndReleaseAll();
  }
}
