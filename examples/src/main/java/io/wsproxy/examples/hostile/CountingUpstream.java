package io.wsproxy.examples.hostile;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.RejectionMode;
import io.wsproxy.netty.NettyEndpointServer;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream of the hostile runs: an echo server on 127.0.0.1 (Netty, in this process) that
 * counts the upgrades that reach it, so a run shows which hostile requests the proxy passed on
 * (none should). Its message limit is above any the proxy lets through.
 */
final class CountingUpstream implements WsEndpoint, AutoCloseable {

  private static final Limits LIMITS = Limits.builder()
      .maxFrameSize(64 * Limits.MIB).maxMessageSize(64 * Limits.MIB).build();

  private final AtomicLong upgrades = new AtomicLong();
  private final NettyEndpointServer server;

  CountingUpstream() throws Exception {
    server = NettyEndpointServer.builder(this).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0));
  }

  String uri() {
    return "ws://127.0.0.1:" + server.port();
  }

  /** Upgrades that reached this upstream so far. */
  long upgrades() {
    return upgrades.get();
  }

  @Override
  public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
    upgrades.incrementAndGet();
    HandshakeDecision accept = new HandshakeDecision.Accept(request,
        request.remoteAddress().getAddress().getHostAddress(), Principal.ANONYMOUS, null, null,
        Headers.EMPTY);
    return PendingHandshake.decided(accept, ch -> new WsListener() {
      @Override
      public void onText(WsChannel channel, Text text) {
        channel.sendText(text);
      }

      @Override
      public void onBinary(WsChannel channel, ByteBuffer data) {
        channel.sendBinary(data);
      }
    });
  }

  @Override
  public Limits limits() {
    return LIMITS;
  }

  @Override
  public RejectionMode rejectionMode() {
    return RejectionMode.HTTP_STATUS;
  }

  @Override
  public void close() {
    server.close();
  }
}
