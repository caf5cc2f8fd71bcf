package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.conformance.ThreadLeaks;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The connector's threads: a fixed number whatever the connections and bursts, and none left after
 * close.
 */
class JdkConnectorThreadsTest {

  private static final long WAIT = RecordingListener.WAIT_SECONDS;
  /** Connections held open at once by the thread-count test. */
  private static final int IDLE_CONNECTIONS = 500;
  /** Dialled together: Java-WebSocket's accept backlog is 50. */
  private static final int BATCH = 50;
  /** How long a released pool may take to end its threads. */
  private static final Duration RELEASE = Duration.ofSeconds(5);

  @Test
  void fiveHundredConnectionsAndABurstOnAllOfThemAddAFixedNumberOfThreads() throws Exception {
    CountDownLatch closed = new CountDownLatch(IDLE_CONNECTIONS);
    CountDownLatch echoed = new CountDownLatch(IDLE_CONNECTIONS);
    WsListener counting = new WsListener() {
      @Override
      public void onText(WsChannel channel, Text text) {
        echoed.countDown();
      }

      @Override
      public void onClose(WsChannel channel, int code, String reason, boolean remote) {
        closed.countDown();
      }
    };
    try (TestUpstream upstream = TestUpstream.launch()) {
      upstream.echo = true;
      Set<Thread> before = ThreadLeaks.snapshot();
      JdkUpstreamConnector connector = new JdkUpstreamConnector();
      List<WsChannel> channels = new ArrayList<>();
      channels.add(connector.connect(TestRequests.to(upstream.uri()), counting).get(WAIT, TimeUnit.SECONDS));
      List<String> withOne = startedSince(before);

      while (channels.size() < IDLE_CONNECTIONS) {
        List<CompletableFuture<WsChannel>> batch = new ArrayList<>();
        for (int i = 0; i < BATCH && channels.size() + batch.size() < IDLE_CONNECTIONS; i++) {
          batch.add(connector.connect(TestRequests.to(upstream.uri()), counting));
        }
        for (CompletableFuture<WsChannel> f : batch) {
          channels.add(f.get(WAIT, TimeUnit.SECONDS));
        }
      }
      List<String> withAll = startedSince(before);
      for (WsChannel channel : channels) { // a burst: one message echoed on every connection at once
        channel.sendText(Text.of("burst"));
      }
      assertTrue(echoed.await(30, TimeUnit.SECONDS), "echoed " + (IDLE_CONNECTIONS - echoed.getCount()));
      List<String> afterBurst = startedSince(before);
      System.out.printf("JDK connector: threads started with 1 connection: %d %s; with %d idle"
          + " connections: %d %s; after a burst on all of them: %d%n", withOne.size(), withOne,
          IDLE_CONNECTIONS, withAll.size(), withAll, afterBurst.size());

      // the pool (DEFAULT_THREADS) and the JDK's selector thread, nothing per connection or burst
      assertTrue(connectorThreads(withAll) <= JdkUpstreamConnector.DEFAULT_THREADS + 1, "started: " + withAll);
      assertTrue(connectorThreads(afterBurst) <= JdkUpstreamConnector.DEFAULT_THREADS + 1,
          "started: " + afterBurst);

      connector.close();
      for (WsChannel channel : channels) {
        channel.close(1000, "");
      }
      assertTrue(closed.await(30, TimeUnit.SECONDS), "closed " + (IDLE_CONNECTIONS - closed.getCount()));
      assertTrue(ThreadLeaks.await(RELEASE, () -> ThreadLeaks.startedSince(before).isEmpty()),
          "left running: " + ThreadLeaks.startedSince(before));
    }
  }

  @Test
  void releasesItsThreadsAtOnceWhenClosedWithNoConnectionOpen() throws Exception {
    Set<Thread> before = ThreadLeaks.snapshot();
    JdkUpstreamConnector connector = new JdkUpstreamConnector();
    failedDial(connector); // starts the pool's threads
    assertFalse(ThreadLeaks.startedSince(before).isEmpty(), "the dial ran on no thread of ours");

    connector.close();

    assertTrue(ThreadLeaks.await(RELEASE, () -> ThreadLeaks.startedSince(before).isEmpty()),
        "left running: " + ThreadLeaks.startedSince(before));
  }

  @Test
  void keepsItsThreadsWhileAConnectionIsOpenAndReleasesThemWhenItEnds() throws Exception {
    RecordingListener listener = new RecordingListener();
    try (TestUpstream upstream = TestUpstream.launch()) {
      upstream.echo = true;
      Set<Thread> before = ThreadLeaks.snapshot();
      JdkUpstreamConnector connector = new JdkUpstreamConnector();
      WsChannel channel = connector.connect(TestRequests.to(upstream.uri()), listener)
          .get(WAIT, TimeUnit.SECONDS);

      connector.close();
      channel.sendText(Text.of("still served"));
      assertEquals("still served", listener.awaitText());
      assertFalse(ThreadLeaks.startedSince(before).isEmpty(), "released while a connection is open");

      channel.close(1000, "");
      assertEquals(1000, listener.awaitClose().code());

      assertTrue(ThreadLeaks.await(RELEASE, () -> ThreadLeaks.startedSince(before).isEmpty()),
          "left running: " + ThreadLeaks.startedSince(before));
      listener.assertContractKept();
    }
  }

  @Test
  void releasesItsThreadsOnceACancelledDialHasBeenAbandoned() throws Exception {
    RecordingListener listener = new RecordingListener();
    try (RawUpstream late = new RawUpstream(RawUpstream.Mode.LATE_UPGRADE)) {
      Set<Thread> before = ThreadLeaks.snapshot();
      JdkUpstreamConnector connector = new JdkUpstreamConnector();
      CompletableFuture<WsChannel> connected = connector.connect(TestRequests.to(late.uri()), listener);
      late.requests.poll(WAIT, TimeUnit.SECONDS);
      connected.cancel(false);
      connector.close();

      late.release.countDown();

      assertTrue(late.peerClosed.await(WAIT, TimeUnit.SECONDS), "the late WebSocket was not aborted");
      assertTrue(ThreadLeaks.await(RELEASE, () -> ThreadLeaks.startedSince(before).isEmpty()),
          "left running: " + ThreadLeaks.startedSince(before));
      assertEquals(0, listener.calls.get());
    }
  }

  private static void failedDial(JdkUpstreamConnector connector) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    CompletableFuture<WsChannel> f = connector.connect(
        TestRequests.to(URI.create("ws://127.0.0.1:" + port + "/")), new RecordingListener());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> f.get(WAIT, TimeUnit.SECONDS));
    assertEquals(UpstreamConnectException.Kind.UNREACHABLE, ((UpstreamConnectException) e.getCause()).kind());
  }

  /** How many of {@code names} are the connector's or its HTTP client's threads. */
  private static long connectorThreads(List<String> names) {
    return names.stream().filter(n -> n.startsWith("ws-proxy-") || n.startsWith("HttpClient-")).count();
  }

  /** Names of the threads alive now that were not in {@code before} (any thread, tracked or not). */
  private static List<String> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName).sorted().toList();
  }
}
