package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.ProxyListener;
import io.wsproxy.RejectionMode;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.UpstreamPeer;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsEndpoint;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How many timers one proxied connection costs its event loop, Netty server with Netty upstream
 * (the CLI's default), when no timeout fires: each is a {@code ScheduledFutureTask} and a
 * priority-queue insert and removal, and the ones an idle connection keeps are live heap. Counted
 * on the loop itself: Netty numbers every task scheduled on it ({@code nextTaskId}), and its
 * queue holds the live ones.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimersPerConnectionTest extends Resources {

  /** At most this many timers over a connection's life when none fires. */
  static final int MAX_SCHEDULED = 3;
  /** At most this many live while it is open and idle. */
  static final int MAX_LIVE_IDLE = 1;

  @Test
  void aProxiedConnectionSchedulesAtMostThreeTimersAndKeepsOneWhileIdle() throws Exception {
    UpstreamPeer peer = register(UpstreamPeer.start());
    LinkedBlockingQueue<ConnectionSummary> closed = new LinkedBlockingQueue<>();
    WebSocketProxy proxy = register(WebSocketProxy.builder()
        .connector(register(new NettyUpstreamConnector()))
        .listener(new ProxyListener() {
          @Override
          public void connectionClosed(ConnectionInfo connection, ConnectionSummary summary) {
            closed.add(summary);
          }
        })
        .route("/", peer.uri("").toString()).build());
    AtomicReference<EventLoop> loop = new AtomicReference<>();
    int port = register(NettyEndpointServer.builder(affinitySeen(proxy, loop)).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0))).port();
    HttpClient http = HttpClient.newHttpClient();
    // the first connection loads classes and starts what the loop runs once; the second counts
    proxiedConnection(http, port, peer, closed, () -> { });
    long before = onLoop(loop.get(), () -> scheduled(loop.get()));
    int[] liveIdle = new int[1];
    proxiedConnection(http, port, peer, closed,
        () -> liveIdle[0] = onLoop(loop.get(), () -> live(loop.get())));
    long after = onLoop(loop.get(), () -> scheduled(loop.get()));
    assertTrue(after - before <= MAX_SCHEDULED,
        "timers scheduled over one connection's life: " + (after - before));
    assertTrue(liveIdle[0] <= MAX_LIVE_IDLE, "timers live while it is idle: " + liveIdle[0]);
  }

  /** Opens a connection, relays one message each way, runs {@code whileOpen}, closes it. */
  private static void proxiedConnection(HttpClient http, int port, UpstreamPeer peer,
      LinkedBlockingQueue<ConnectionSummary> closed, Step whileOpen) throws Exception {
    CompletableFuture<String> echoed = new CompletableFuture<>();
    WebSocket ws = openAt(http.newWebSocketBuilder(), port, echoed);
    assertNotNull(peer.awaitConnection(AWAIT));
    ws.sendText("hello", true);
    assertEquals("hello", echoed.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS));
    whileOpen.run();
    ws.sendClose(1000, "done").get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    ConnectionSummary summary = closed.poll(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(summary, "the proxy reported the connection closed");
    assertEquals(1000, summary.clientCode());
  }

  /** Something done while a connection is open. */
  private interface Step {
    void run() throws Exception;
  }

  /** {@code proxy}, recording the event loop the server gives each handshake as its affinity. */
  private static WsEndpoint affinitySeen(WebSocketProxy proxy, AtomicReference<EventLoop> loop) {
    return new WsEndpoint() {
      @Override
      public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
        loop.set((EventLoop) affinity);
        return proxy.handshake(request, affinity);
      }

      @Override
      public Limits limits() {
        return proxy.limits();
      }

      @Override
      public RejectionMode rejectionMode() {
        return proxy.rejectionMode();
      }
    };
  }

  private static <T> T onLoop(EventLoop loop, java.util.concurrent.Callable<T> read)
      throws Exception {
    return loop.submit(read).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Tasks ever scheduled on {@code loop}: Netty's task numbering. Read on the loop. */
  private static long scheduled(EventLoop loop) throws ReflectiveOperationException {
    return (long) field(loop, "nextTaskId").get(loop);
  }

  /** Tasks scheduled on {@code loop} and not yet run or cancelled. Read on the loop. */
  private static int live(EventLoop loop) throws ReflectiveOperationException {
    Object queue = field(loop, "scheduledTaskQueue").get(loop);
    return queue == null ? 0 : ((Collection<?>) queue).size();
  }

  private static Field field(Object on, String name) throws NoSuchFieldException {
    for (Class<?> c = on.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException e) {
        // a superclass has it
      }
    }
    throw new NoSuchFieldException(name);
  }
}
