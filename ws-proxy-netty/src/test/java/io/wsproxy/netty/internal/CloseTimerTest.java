package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server leg's close timeout guards a socket that is still open: answering a client's close
 * whose echo is written at once closes the connection there, and arms no timer (one the loop would
 * queue and then cancel, a priority-queue insert and removal per connection). On an
 * {@link EmbeddedChannel}, whose writes complete as they are made.
 */
class CloseTimerTest {

  @Test
  void aServerThatClosedOnAnsweringAClientsCloseLeavesNoCloseTimer() {
    EmbeddedChannel ch = new EmbeddedChannel();
    NettyWsChannel ws = new NettyWsChannel(ch, false, null, Duration.ofSeconds(30), 1 << 16,
        1 << 16);
    ch.pipeline().addLast(new WebSocket13FrameEncoder(false));
    ch.pipeline().addLast(FrameReader.NAME, ws.handler());
    List<String> events = new ArrayList<>();
    ws.open(new WsListener() {
      @Override
      public void onClose(WsChannel channel, int code, String reason, boolean remote) {
        events.add("close " + code);
      }
    });
    ch.pipeline().fireChannelRead(io.netty.buffer.Unpooled.wrappedBuffer(
        Leg.frame(0x88, new byte[] {0x03, (byte) 0xe8}, true)));
    assertFalse(ch.isOpen(), "the echo was written, and the connection closed");
    assertEquals(-1, ch.runScheduledPendingTasks(), "no close timer was armed");
    // (an embedded channel's close runs channelInactive at once, so the end it reports is 1006)
    assertEquals(1, events.size(), "the end, reported once: " + events);
  }

  @Test
  void aServerWhoseEchoIsStillQueuedKeepsItsCloseTimer() {
    EmbeddedChannel ch = new EmbeddedChannel();
    NettyWsChannel ws = new NettyWsChannel(ch, false, null, Duration.ofSeconds(30), 1 << 16,
        1 << 16);
    ch.pipeline().addLast(new io.netty.channel.ChannelOutboundHandlerAdapter() {
      @Override
      public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
          io.netty.channel.ChannelPromise promise) {
        io.netty.util.ReferenceCountUtil.release(msg); // never written: a client that reads nothing
      }
    });
    ch.pipeline().addLast(new WebSocket13FrameEncoder(false));
    ch.pipeline().addLast(FrameReader.NAME, ws.handler());
    ws.open(new WsListener() {});
    ch.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(
        Leg.frame(0x88, new byte[] {0x03, (byte) 0xe8}, true)));
    assertTrue(ch.isOpen());
    assertTrue(ch.runScheduledPendingTasks() > 0, "the close timeout is armed");
    ch.close();
  }
}
