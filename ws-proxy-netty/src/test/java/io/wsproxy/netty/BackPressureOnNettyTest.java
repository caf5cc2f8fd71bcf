package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Limits;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.RawClient;
import io.wsproxy.conformance.ThreadLeaks;
import io.wsproxy.conformance.UpstreamPeer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real back-pressure on the Netty transport: a client that stops reading pauses its upstream (auto
 * read off), so the backlog waits at the upstream, not in the proxy, nothing is closed, and nothing
 * is lost once the client reads again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackPressureOnNettyTest extends Resources {

  static final int MESSAGE_BYTES = 64 * Limits.KIB;
  static final int MESSAGES = 512; // 32 MiB: far more than socket buffers and water marks hold

  @Test
  void pausesTheUpstreamWhileItsClientDoesNotReadAndLosesNothing() throws Exception {
    UpstreamPeer peer = register(UpstreamPeer.start());
    NettyUpstreamConnector connector = register(new NettyUpstreamConnector());
    WebSocketProxy proxy = register(WebSocketProxy.builder().connector(connector)
        .route("/", peer.uri("").toString()).build());
    NettyEndpointServer server = register(NettyEndpointServer.builder(proxy).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0)));
    RawClient client = register(RawClient.connect(server.port(), "/flood", AWAIT, 16 * 1024));
    UpstreamPeer.Conn up = peer.awaitConnection(AWAIT);
    for (int i = 0; i < MESSAGES; i++) {
      byte[] m = new byte[MESSAGE_BYTES];
      ByteBuffer.wrap(m).putInt(i);
      up.send(m);
    }
    long flood = (long) MESSAGES * MESSAGE_BYTES;
    assertTrue(ThreadLeaks.await(AWAIT, () -> up.bufferedBytes() > flood / 2),
        () -> "the upstream holds only " + up.bufferedBytes() + " bytes: the proxy kept reading");
    assertEquals(1, proxy.connectionCount(), "a paused connection stays open");
    for (int i = 0; i < MESSAGES; i++) {
      byte[] m = client.readBinaryMessage();
      assertEquals(MESSAGE_BYTES, m.length);
      assertEquals(i, ByteBuffer.wrap(m).getInt(), "message order");
    }
  }
}
