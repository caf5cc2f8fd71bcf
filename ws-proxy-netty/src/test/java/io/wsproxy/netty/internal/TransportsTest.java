package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server and the upstream dial no longer set TCP_NODELAY themselves (one setsockopt per socket
 * less): these pin that the socket channels they use have it on from the start.
 */
class TransportsTest {

  private final EventLoopGroup group = Transports.newGroup(1, "transports-test");

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
  }

  @Test
  void upstreamSocketChannelsHaveNoDelayOnWhenMade() {
    Channel c = Transports.newSocketChannel(Transports.socketChannelClass(group));
    try {
      assertEquals(Boolean.TRUE, c.config().getOption(ChannelOption.TCP_NODELAY));
    } finally {
      c.unsafe().closeForcibly();
    }
  }

  @Test
  void acceptedChannelsHaveNoDelayOnWithoutAChildOption() throws Exception {
    CompletableFuture<Boolean> noDelay = new CompletableFuture<>();
    Channel server = new ServerBootstrap().group(group)
        .channel(Transports.serverChannelClass(group))
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            noDelay.complete(ch.config().getOption(ChannelOption.TCP_NODELAY));
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
      assertTrue(noDelay.get(5, TimeUnit.SECONDS), "TCP_NODELAY on an accepted channel");
    } finally {
      server.close().sync();
    }
  }
}
