package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.Direction;
import io.wsproxy.Limits;
import io.wsproxy.ProxyListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Bounded memory with a client that stops reading while its upstream floods. An upstream transport
 * that can pause (the JDK's demand-driven client, Netty) is paused as soon as the client's channel
 * is not writable, so the backlog stays with the upstream (its own queue fills) and nothing is lost
 * once the client reads again; one that cannot (Java-WebSocket's client) gets the slow client
 * closed once the proxy's queue toward it passes {@code maxQueuedBytes}, which the listener's
 * {@code queueHighWater} reports.
 */
public abstract class SlowReaderConformanceCases extends ConformanceFixture {

  /** What the upstream sends to a client that does not read: far more than socket buffers hold. */
  static final long FLOOD_BYTES = 64L * Limits.MIB;
  static final int FLOOD_MESSAGE_BYTES = 64 * Limits.KIB;
  /** The proxy's high-water mark in these tests. */
  static final long QUEUE_MARK = 256 * Limits.KIB;
  /** How far past the mark a queue may be seen: the bridge samples it every 32 KiB relayed. */
  static final long QUEUE_SLACK = 32 * Limits.KIB + FLOOD_MESSAGE_BYTES;

  /** How long the flood must stand still before the backlog is measured. */
  static final Duration STANDSTILL = Duration.ofMillis(500);

  /** Whether this combination's upstream connector really pauses reading. */
  protected boolean upstreamPausesReading() {
    return false;
  }

  @Test
  void boundsTheProxyQueueWhenAClientStopsReadingWhileItsUpstreamFloods() throws Exception {
    HighWater highWater = new HighWater();
    String target = upstream().uri("").toString();
    startProxy(b -> b.route("/", target).listener(highWater)
        .limits(KIT_LIMITS.toBuilder().maxQueuedBytes(QUEUE_MARK).build()));
    RawClient client = register(RawClient.connect(proxyPort(), "/flood", AWAIT, 16 * 1024));
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    // the flood starts once the connection is open end to end: what an upstream that cannot pause
    // sends before its client is there waits in the early buffer (earlyBytes, a limit of its own,
    // 4 MiB here) and goes into the client's queue all at once when it opens, which on a busy
    // machine made this queue look 1-4 MB deep at its first check
    upstream().echo(false);
    client.sendText("open");
    assertEquals("open", up.next(AWAIT), "the client's first message reached the upstream");
    int messages = (int) (FLOOD_BYTES / FLOOD_MESSAGE_BYTES);
    for (int i = 0; i < messages; i++) {
      try {
        up.send(message(i));
      } catch (org.java_websocket.exceptions.WebsocketNotConnectedException e) {
        // the proxy already cut this flood off (a transport that cannot pause): checked below
        assertTrue(!upstreamPausesReading(), "a pausable upstream must not be closed");
        break;
      }
    }
    if (upstreamPausesReading()) {
      // the proxy stopped reading its upstream: once the flow stands still, the backlog waits at
      // the upstream, not in the proxy (socket buffers and the transports' own marks hold the rest)
      long backlog = awaitStandstill(up);
      assertTrue(backlog > FLOOD_BYTES / 2,
          () -> "upstream holds only " + backlog + " of " + FLOOD_BYTES + " bytes: the proxy read on");
      assertEquals(1, highWater.closed.getCount(), "a paused connection stays open");
      for (int i = 0; i < messages; i++) {
        byte[] m = client.readBinaryMessage();
        assertEquals(FLOOD_MESSAGE_BYTES, m.length);
        assertEquals(i, ByteBuffer.wrap(m).getInt(), "message order");
      }
    } else {
      // nothing can pause this upstream: the client that does not read is closed instead, as soon
      // as the proxy's queue toward it passes the mark
      assertTrue(highWater.reached.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS),
          "the proxy must see its queue toward the client pass the high-water mark");
      assertTrue(highWater.queued <= QUEUE_MARK + QUEUE_SLACK,
          "queue seen at " + highWater.queued + " bytes, mark " + QUEUE_MARK);
      Close close = up.awaitClose(AWAIT.plus(KIT_CLOSE_TIMEOUT.multipliedBy(2)));
      assertEquals(CloseCodes.GOING_AWAY, close.code());
      assertEquals("Client too slow", close.reason());
      assertTrue(highWater.closed.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS),
          "the connection must end even though the client never answers the close");
      awaitNoProxyConnections();
    }
  }

  /** Waits until the upstream's backlog stays the same for {@link #STANDSTILL}; answers it. */
  private static long awaitStandstill(UpstreamPeer.Conn up) {
    long[] last = {-1};
    long[] since = {System.nanoTime()};
    boolean still = ThreadLeaks.await(AWAIT, () -> {
      long now = up.bufferedBytes();
      if (now != last[0]) {
        last[0] = now;
        since[0] = System.nanoTime();
        return false;
      }
      return System.nanoTime() - since[0] >= STANDSTILL.toNanos();
    });
    assertTrue(still, () -> "the flood never stood still; upstream holds " + last[0] + " bytes");
    return last[0];
  }

  private static byte[] message(int index) {
    byte[] m = new byte[FLOOD_MESSAGE_BYTES];
    ByteBuffer.wrap(m).putInt(index);
    return m;
  }

  /** Records the first high-water event toward the client and the end of the connection. */
  private static final class HighWater implements ProxyListener {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);
    volatile long queued;

    @Override
    public void queueHighWater(ConnectionInfo c, Direction direction, long queuedBytes) {
      if (direction == Direction.UPSTREAM_TO_CLIENT && reached.getCount() > 0) {
        queued = queuedBytes;
        reached.countDown();
      }
    }

    @Override
    public void connectionClosed(ConnectionInfo c, int clientCode, int upstreamCode, String r) {
      closed.countDown();
    }
  }
}
