package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.UpstreamPeer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.Builder;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host's own Netty server with an HTTP handler of its own plus the ws-proxy handler: the
 * embedding the README shows. Requests the proxy does not take reach the host's handler.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmbeddingInYourNettyServerTest {

  private static final Duration AWAIT = Duration.ofSeconds(10);

  /** The host's own HTTP handler: answers every request it gets with "hello from the host". */
  static final class HostHandler extends SimpleChannelInboundHandler<HttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
      var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer("hello from the host", StandardCharsets.UTF_8));
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Test
  void proxiesUpgradesUnderWsAndPassesEveryOtherRequestToTheHostsHandler() throws Exception {
    try (UpstreamPeer backend = UpstreamPeer.start();
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      WebSocketProxy proxy = WebSocketProxy.builder().connector(connector)
          .route("/ws", backend.uri("").toString()).build();
      // --- the embedding, as the README shows it
      WsProxyHandler ws = new WsProxyHandler(proxy, path -> path.startsWith("/ws"));
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), ws, new HostHandler());
            }
          })
          .bind("127.0.0.1", 0).sync().channel();
      // ---
      try {
        int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
        HttpClient http = HttpClient.newHttpClient();
        Builder get = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/index.html")).timeout(AWAIT);
        HttpResponse<String> page = http.send(get.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("hello from the host", page.body());

        CompletableFuture<String> echoed = new CompletableFuture<>();
        WebSocket client = http.newWebSocketBuilder().connectTimeout(AWAIT)
            .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/room"), new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                echoed.complete(data.toString());
                return null;
              }
            }).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
        client.sendText("through the host", true);
        assertEquals("through the host", echoed.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals("/room", backend.awaitConnection(AWAIT).resource());
        client.abort();
      } finally {
        proxy.close();
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      }
    }
  }
}
