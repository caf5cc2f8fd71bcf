package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.wsproxy.netty.HangingEndpoint;
import io.wsproxy.netty.WsProxyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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

  private final CountDownLatch abandoned = new CountDownLatch(2); // counts down once per abandon

  @Test
  void aClientLeavingBeforeItsAnswerAbandonsOnceAndItsEarlyFramesAreReleased() {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder(),
        new RequestHeadDecoder(8192, 16384, Duration.ofSeconds(30)),
        new WsProxyHandler(new HangingEndpoint(new CountDownLatch(1), abandoned)));
    ByteBuf in = Unpooled.directBuffer().writeBytes(REQUEST.getBytes(StandardCharsets.US_ASCII))
        .writeBytes(Leg.frame(0x81, Leg.utf8("early"), true));
    ch.writeInbound(in);
    assertTrue(in.refCnt() > 0, "the early frame is held while the upgrade is decided");
    assertEquals(2, abandoned.getCount());
    ch.close();
    ch.runPendingTasks();
    assertEquals(1, abandoned.getCount(), "abandoned once");
    assertEquals(0, in.refCnt(), "the held frame was released");
  }
}
