package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.WsChannel;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JavaWebSocketEndpointServerTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();
  /** Threads Java-WebSocket's server and the adapter start. */
  private static final List<String> SERVER_THREAD_PREFIXES = List.of("WebSocketSelector-",
      "WebSocketWorker-", "connectionLostChecker", "ws-proxy-jws-timer");

  @Test
  void reportsTheRealPortWhenBoundToPortZero() throws Exception {
    try (JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0),
        new TestEndpoint())) {
      assertNotEquals(0, server.port());
      assertEquals(server.port(), server.address().getPort());
      JdkClient client = JdkClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/x"));
      client.ws.sendText("ping", true);
      assertEquals("ping", client.nextText());
    }
  }

  @Test
  void failsWithABindExceptionNamingTheAddressWhenItIsInUse() throws Exception {
    try (JavaWebSocketEndpointServer first = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0),
        new TestEndpoint())) {
      Set<Thread> before = serverThreads();
      BindException e = assertThrows(BindException.class,
          () -> JavaWebSocketEndpointServer.start(first.address(), new TestEndpoint()));
      assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().contains(
          String.valueOf(first.port())), e.getMessage());
      Set<Thread> after = serverThreads();
      after.removeAll(before);
      assertEquals(Set.of(), after, "a failed start leaves no thread behind");
    }
  }

  @Test
  void stopClosesClientsWithGoingAwayAndEndsEveryServerThread() throws Exception {
    Set<Thread> before = serverThreads();
    TestEndpoint endpoint = new TestEndpoint();
    JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), endpoint);
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/echo");
    JdkClient a = JdkClient.connect(uri);
    JdkClient b = JdkClient.connect(uri);
    JdkClient c = JdkClient.connect(uri);
    WsChannel first = endpoint.channels.poll(WAIT, TimeUnit.SECONDS);
    first.close(CloseCodes.NORMAL, "bye"); // starts the adapter's timer thread too
    assertEquals(CloseCodes.NORMAL, a.awaitClose().code());
    RecordingListener listenerOfB = endpoint.opened.stream().skip(1).findFirst().orElseThrow();
    Set<Thread> started = serverThreads();
    started.removeAll(before);
    assertFalse(started.isEmpty());

    server.stop();

    assertEquals(new CloseEvent(CloseCodes.GOING_AWAY, JavaWebSocketEndpointServer.SHUTDOWN_REASON, true),
        b.awaitClose());
    assertEquals(CloseCodes.GOING_AWAY, c.awaitClose().code());
    assertEquals(CloseCodes.GOING_AWAY,
        listenerOfB.closed.get(WAIT, TimeUnit.SECONDS).code());
    assertEquals(0, server.connectionCount());
    for (Thread t : started) {
      t.join(TimeUnit.SECONDS.toMillis(WAIT));
    }
    assertEquals(Set.of(), started.stream().filter(Thread::isAlive).map(Thread::getName)
        .collect(Collectors.toSet()));
    server.stop(); // idempotent
  }

  private static Set<Thread> serverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> SERVER_THREAD_PREFIXES.stream().anyMatch(p -> t.getName().startsWith(p)))
        .collect(Collectors.toSet());
  }
}
