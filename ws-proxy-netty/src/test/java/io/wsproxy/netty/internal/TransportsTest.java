package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server and the upstream dial no longer set TCP_NODELAY themselves (one setsockopt per socket
 * less): these pin that the socket channels they use have it on from the start, and that a dial's
 * socket is of its address's family.
 */
class TransportsTest {

  private final EventLoopGroup group = Transports.newGroup(1, "transports-test");

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
  }

  @Test
  void upstreamSocketChannelsHaveNoDelayOnWhenMade() {
    Channel c = Transports.newSocketChannel(Transports.socketChannelClass(group),
        InetAddress.getLoopbackAddress());
    try {
      assertEquals(Boolean.TRUE, c.config().getOption(ChannelOption.TCP_NODELAY));
    } finally {
      c.unsafe().closeForcibly();
    }
  }

  /**
   * A dial to an IPv4 address uses an IPv4 socket, not the transports' default dual-stack IPv6 one
   * (which costs a {@code setsockopt IPV6_V6ONLY} more): Linux lists the connection in
   * {@code /proc/net/tcp}, not {@code tcp6}.
   */
  @Test
  void upstreamSocketsToAnIpv4AddressAreIpv4Sockets() throws Exception {
    Path table = Path.of("/proc/net/tcp");
    assumeTrue(Files.isReadable(table), "Linux only");
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", listener.getLocalPort());
      Channel c = Transports.newSocketChannel(Transports.socketChannelClass(group),
          to.getAddress());
      try {
        group.next().register(c).sync();
        c.connect(to).sync();
        int port = ((InetSocketAddress) c.localAddress()).getPort();
        String local = String.format("0100007F:%04X", port);
        assertTrue(Files.readAllLines(table).stream().anyMatch(l -> l.contains(local)),
            "an IPv4 socket, listed in " + table);
      } finally {
        c.close().sync();
      }
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
