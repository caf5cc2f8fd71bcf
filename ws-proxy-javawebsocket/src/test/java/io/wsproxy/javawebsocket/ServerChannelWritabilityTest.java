package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.Limits;
import io.wsproxy.RejectionMode;
import io.wsproxy.spi.WsChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure on the client's channel: Java-WebSocket has no drain callback, so the channel
 * answers "not writable" past the endpoint's {@code maxQueuedBytes} and reports {@code onWritable}
 * once half of it is written.
 */
class ServerChannelWritabilityTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();
  /** Payload of each message: a 4-byte frame header on the wire. */
  private static final int MESSAGE = 60 * Limits.KIB;
  /** Most messages sent before the queue must have filled (15 MiB, over any socket buffers). */
  private static final int MAX_MESSAGES = 256;
  /** How long a blocked channel must stay without onWritable to count as stuck. */
  private static final Duration QUIET = Duration.ofMillis(300);

  @Test
  void answersNotWritableWhileTheClientDoesNotReadAndReportsWhenItDrained() throws Exception {
    TestEndpoint endpoint = new TestEndpoint(Limits.builder().maxQueuedBytes(Limits.MIB).build(),
        RejectionMode.HTTP_STATUS);
    try (JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
        E2eRawClient client = E2eRawClient.upgrade(server.port(), "/silent")) {
      WsChannel channel = endpoint.channels.poll(WAIT, TimeUnit.SECONDS);
      RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
      int sent = 0;
      boolean stuck = false;
      while (!stuck && sent < MAX_MESSAGES) { // the client reads nothing: the queue fills
        boolean writable = channel.sendBinary(ByteBuffer.allocate(MESSAGE));
        sent++;
        // the kernel's socket buffers may still take what was queued (onWritable then follows);
        // once they are full too, nothing drains until the client reads
        stuck = !writable && listener.writable.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS) == null;
      }
      assertTrue(stuck, "still writable after " + sent + " messages");
      client.discard((long) sent * (MESSAGE + 4));
      assertSame(channel, listener.writable.poll(WAIT, TimeUnit.SECONDS));
      assertTrue(channel.isWritable());
    }
  }
}
