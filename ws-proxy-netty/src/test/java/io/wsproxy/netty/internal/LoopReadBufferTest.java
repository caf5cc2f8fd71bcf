package io.wsproxy.netty.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link LoopReadBuffer}: reads go into the loop's own buffer while nobody holds it, into another
 * buffer while someone does, and the bytes someone holds are never overwritten.
 */
class LoopReadBufferTest {

  @Test
  void aReadTakesTheLoopsBufferOnlyWhenEveryEarlierReadWasReleased() {
    RecvByteBufAllocator.Handle h = LoopReadBuffer.INSTANCE.newHandle();
    EmbeddedChannel config = new EmbeddedChannel();
    h.reset(config.config());
    ByteBuf first = h.allocate(ByteBufAllocator.DEFAULT);
    assertSame(LoopReadBuffer.own(), first);
    assertEquals(h.guess(), first.writableBytes()); // the adaptive size, as a new buffer's
    assertEquals(0, first.readableBytes());
    ByteBuf second = h.allocate(ByteBufAllocator.DEFAULT); // the first is still held
    assertNotSame(first, second);
    assertEquals(h.guess(), second.writableBytes());
    second.release();
    first.writeBytes("abc".getBytes(US_ASCII));
    first.release();
    assertEquals(1, first.refCnt()); // the loop's own reference
    ByteBuf third = h.allocate(ByteBufAllocator.DEFAULT);
    assertSame(first, third);
    assertEquals(0, third.readableBytes()); // nothing of the last read is seen again
    third.release();
    config.finishAndReleaseAll();
  }

  @Test
  void bytesAHandlerHoldsStayIntactWhileLaterReadsArriveOverASocket() throws Exception {
    EventLoopGroup group = Transports.newGroup(1, "loop-read-buffer-test");
    BlockingQueue<ByteBuf> reads = new LinkedBlockingQueue<>();
    BlockingQueue<Boolean> own = new LinkedBlockingQueue<>();
    try {
      Channel server = new ServerBootstrap().group(group)
          .channel(Transports.serverChannelClass(group))
          .childOption(ChannelOption.RCVBUF_ALLOCATOR, LoopReadBuffer.INSTANCE)
          .childHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              own.add(msg == LoopReadBuffer.own()); // on the loop: its thread's buffer
              reads.add((ByteBuf) msg); // held by the test until it says so
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      try (Socket s = new Socket("127.0.0.1",
          ((InetSocketAddress) server.localAddress()).getPort())) {
        OutputStream out = s.getOutputStream();
        out.write("first".getBytes(US_ASCII));
        ByteBuf held = reads.poll(10, TimeUnit.SECONDS);
        assertTrue(own.poll(10, TimeUnit.SECONDS), "the first read is the loop's buffer");
        for (String next : List.of("second", "third")) {
          out.write(next.getBytes(US_ASCII));
          ByteBuf b = reads.poll(10, TimeUnit.SECONDS);
          assertEquals(next, b.toString(US_ASCII));
          assertTrue(!own.poll(10, TimeUnit.SECONDS), "a read while the first is held");
          b.release();
        }
        assertEquals("first", held.toString(US_ASCII));
        held.release();
        out.write("fourth".getBytes(US_ASCII));
        ByteBuf b = reads.poll(10, TimeUnit.SECONDS);
        assertEquals("fourth", b.toString(US_ASCII));
        assertTrue(own.poll(10, TimeUnit.SECONDS), "free again: the loop's buffer");
        b.release();
      } finally {
        server.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
    }
  }
}
