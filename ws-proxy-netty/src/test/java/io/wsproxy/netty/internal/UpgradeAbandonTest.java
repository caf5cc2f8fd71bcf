package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.RejectionMode;
import io.wsproxy.netty.WsProxyHandler;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A client that leaves while its upgrade is being decided abandons the handshake once, and the
 * frames it sent behind its request (held for the WebSocket) are released with it. On an
 * {@link EmbeddedChannel} with the ready server's request decoder and the ws-proxy handler.
 */
class UpgradeAbandonTest {

  private static final String REQUEST = "GET /x HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      + "Sec-WebSocket-Version: 13\r\n\r\n";

  private final AtomicInteger abandoned = new AtomicInteger();

  /** An endpoint whose every handshake stays undecided. */
  private final WsEndpoint undecided = new WsEndpoint() {
    @Override
    public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
      return new PendingHandshake() {
        @Override
        public CompletionStage<HandshakeDecision> decision() {
          return new CompletableFuture<>();
        }

        @Override
        public WsListener open(WsChannel client) {
          throw new IllegalStateException("never decided");
        }

        @Override
        public void abandon() {
          abandoned.incrementAndGet();
        }
      };
    }

    @Override
    public Limits limits() {
      return Limits.builder().build();
    }

    @Override
    public RejectionMode rejectionMode() {
      return RejectionMode.HTTP_STATUS;
    }
  };

  @Test
  void aClientLeavingBeforeItsAnswerAbandonsOnceAndItsEarlyFramesAreReleased() {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder(),
        new RequestHeadDecoder(8192, 16384, Duration.ofSeconds(30)),
        new WsProxyHandler(undecided));
    ByteBuf in = Unpooled.directBuffer().writeBytes(REQUEST.getBytes(StandardCharsets.US_ASCII))
        .writeBytes(Leg.frame(0x81, Leg.utf8("early"), true));
    ch.writeInbound(in);
    assertTrue(in.refCnt() > 0, "the early frame is held while the upgrade is decided");
    assertEquals(0, abandoned.get());
    ch.close();
    ch.runPendingTasks();
    assertEquals(1, abandoned.get(), "abandoned once");
    assertEquals(0, in.refCnt(), "the held frame was released");
  }
}
