package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.Headers;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dialling: successes, every kind of failure, headers, subprotocols, discovery, lifecycle. */
class JdkUpstreamConnectorTest {

  private static final long WAIT = RecordingListener.WAIT_SECONDS;

  private JdkUpstreamConnector connector;
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void start() {
    connector = new JdkUpstreamConnector();
  }

  @AfterEach
  void stop() {
    connector.close();
    listener.assertContractKept();
  }

  /** The connect's failure, which must be an UpstreamConnectException, after no listener call. */
  private UpstreamConnectException failure(UpstreamRequest request) throws Exception {
    CompletableFuture<WsChannel> connected = connector.connect(request, listener);
    ExecutionException e = assertThrows(ExecutionException.class, () -> connected.get(WAIT, TimeUnit.SECONDS));
    assertEquals(0, listener.calls.get(), "listener called on a failed connect: " + listener.events);
    return assertInstanceOf(UpstreamConnectException.class, e.getCause());
  }

  @Test
  void failsWithUpstreamConnectExceptionWhenTheConnectionIsRefused() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort(); // closed at once: nothing listens there
    }

    UpstreamConnectException e = failure(TestRequests.to(URI.create("ws://127.0.0.1:" + port + "/x")));

    assertInstanceOf(ConnectException.class, e.getCause());
    assertEquals(0, e.httpStatus());
  }

  @Test
  void failsAfterTheConnectTimeoutWhenTheUpstreamNeverAnswersTheUpgrade() throws Exception {
    try (RawUpstream silent = new RawUpstream(RawUpstream.Mode.SILENT)) {
      Duration timeout = Duration.ofMillis(500);
      long start = System.nanoTime();

      UpstreamConnectException e = failure(
          TestRequests.withTimeouts(silent.uri(), timeout, TestRequests.CLOSE_TIMEOUT));

      assertTrue(System.nanoTime() - start >= timeout.toNanos(), "failed before the timeout");
      assertInstanceOf(HttpTimeoutException.class, e.getCause());
      assertTrue(silent.accepted.await(0, TimeUnit.SECONDS), "the TCP connect went through");
    }
  }

  @Test
  void failsWithTheHttpStatusWhenTheUpstreamRefusesTheUpgrade() throws Exception {
    try (RawUpstream forbidden = new RawUpstream(RawUpstream.Mode.FORBIDDEN)) {
      UpstreamConnectException e = failure(TestRequests.to(forbidden.uri()));

      assertEquals(403, e.httpStatus());
      assertTrue(e.getMessage().contains("403"), e.getMessage());
    }
  }

  @Test
  void failsWithTheHttpStatusWhenAJavaWebSocketUpstreamRejectsTheHandshake() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) {
      upstream.rejectUpgrade = true;

      UpstreamConnectException e = failure(TestRequests.to(upstream.uri()));

      assertEquals(404, e.httpStatus()); // Java-WebSocket answers every rejection with 404
    }
  }

  @Test
  void failsAndClosesTheUpstreamWhenTheOfferedSubprotocolIsNotSelected() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) { // selects no subprotocol
      UpstreamConnectException e = failure(TestRequests.withSubprotocols(upstream.uri(), "chat"));

      assertTrue(e.getMessage().startsWith("upstream refused subprotocol chat"), e.getMessage());
      TestUpstream.Closed closed = upstream.awaitClose();
      assertEquals(CloseCodes.POLICY_VIOLATION, closed.code());
      assertTrue(closed.remote());
      assertEquals(0, listener.calls.get());
    }
  }

  @Test
  void exposesTheSubprotocolTheUpstreamSelected() throws Exception {
    Draft_6455 chat = new Draft_6455(List.of(), List.of(new Protocol("chat")));
    try (TestUpstream upstream = TestUpstream.launch(chat)) {
      WsChannel channel = connector.connect(TestRequests.withSubprotocols(upstream.uri(), "chat"), listener)
          .get(WAIT, TimeUnit.SECONDS);

      assertEquals("chat", channel.subprotocol());
      assertEquals("chat", upstream.handshakes.poll(WAIT, TimeUnit.SECONDS)
          .getFieldValue("Sec-WebSocket-Protocol"));
      channel.close(1000, "");
      listener.awaitClose();
    }
  }

  @Test
  void answersNullForTheSubprotocolWhenNoneWasOffered() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) {
      WsChannel channel = connector.connect(TestRequests.to(upstream.uri()), listener)
          .get(WAIT, TimeUnit.SECONDS);

      assertNull(channel.subprotocol());
      assertTrue(channel.canSendCloseCode(CloseCodes.NORMAL));
      assertFalse(channel.canSendCloseCode(CloseCodes.BAD_GATEWAY));
      channel.abort();
      listener.awaitClose();
    }
  }

  @Test
  void forwardsHeadersAndLeavesOutThoseTheJdkClientRestricts() throws Exception {
    Headers headers = Headers.builder()
        .add("X-Forwarded-For", "203.0.113.7")
        .add("X-Request-Id", "abc-123")
        .add("host", "evil.example")
        .add("Connection", "close")
        .add("UPGRADE", "h2c")
        .add("Content-Length", "5")
        .add("Expect", "100-continue")
        .add("Sec-WebSocket-Key", "bogus")
        .add("Sec-WebSocket-Version", "8")
        .add("X-Control", "a\u0001b")
        .build();
    try (TestUpstream upstream = TestUpstream.launch()) {
      WsChannel channel = connector.connect(TestRequests.withHeaders(upstream.uri(), headers), listener)
          .get(WAIT, TimeUnit.SECONDS);

      ClientHandshake seen = upstream.handshakes.poll(WAIT, TimeUnit.SECONDS);
      assertEquals("203.0.113.7", seen.getFieldValue("X-Forwarded-For"));
      assertEquals("abc-123", seen.getFieldValue("X-Request-Id"));
      assertEquals("127.0.0.1:" + upstream.getPort(), seen.getFieldValue("Host"));
      assertEquals("13", seen.getFieldValue("Sec-WebSocket-Version"));
      assertFalse(seen.hasFieldValue("X-Control"));
      assertFalse(seen.hasFieldValue("Expect"));
      assertEquals("/upstream?q=1", seen.getResourceDescriptor());
      channel.close(1000, "");
      listener.awaitClose();
    }
  }

  @Test
  void callsOnOpenBeforeCompletingTheFuture() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) {
      AtomicReference<CompletableFuture<WsChannel>> future = new AtomicReference<>();
      AtomicReference<String> seenInOnOpen = new AtomicReference<>("onOpen not called");
      listener.onOpenHook = () -> seenInOnOpen.set(future.get() == null ? "connect not returned"
          : future.get().isDone() ? "future already done" : "future pending");

      future.set(connector.connect(TestRequests.to(upstream.uri()), listener));
      WsChannel channel = future.get().get(WAIT, TimeUnit.SECONDS);

      assertEquals("future pending", seenInOnOpen.get());
      assertEquals(channel, listener.next(RecordingListener.Opened.class).channel());
      channel.abort();
      listener.awaitClose();
    }
  }

  @Test
  void builderRefusesBadSettingsNamingTheField() {
    JdkUpstreamConnector.Builder builder = JdkUpstreamConnector.builder();

    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> builder.probeInterval(Duration.ofSeconds(-1)));
    assertTrue(negative.getMessage().contains("probeInterval"), negative.getMessage());
    NullPointerException nullClient = assertThrows(NullPointerException.class,
        () -> builder.httpClient(null));
    assertTrue(nullClient.getMessage().contains("httpClient"), nullClient.getMessage());
  }

  @Test
  void isFoundByServiceLoader() {
    try (UpstreamConnector found = ServiceLoader.load(UpstreamConnector.class).findFirst().orElseThrow()) {
      assertInstanceOf(JdkUpstreamConnector.class, found);
    }
  }

  @Test
  void refusesConnectsAfterClose() {
    connector.close();
    connector.close();

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> connector.connect(TestRequests.to(URI.create("ws://127.0.0.1:1/")), listener));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void keepsOpenConnectionsWorkingAfterClose() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) {
      upstream.echo = true;
      WsChannel channel = connector.connect(TestRequests.to(upstream.uri()), listener)
          .get(WAIT, TimeUnit.SECONDS);
      listener.next(RecordingListener.Opened.class);

      connector.close();
      channel.sendText("still here");

      assertEquals("still here", listener.next(RecordingListener.Text.class).text());
      channel.close(1000, "");
      assertEquals(1000, listener.awaitClose().code());
    }
  }

  @Test
  void dialsWithACallersClientAndLeavesItUsable() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    try (TestUpstream upstream = TestUpstream.launch();
         JdkUpstreamConnector shared = JdkUpstreamConnector.withClient(client)) {
      upstream.echo = true;
      assertEquals(client, shared.httpClient());
      WsChannel channel = shared.connect(TestRequests.to(upstream.uri()), listener)
          .get(WAIT, TimeUnit.SECONDS);
      listener.next(RecordingListener.Opened.class);

      channel.sendText("ping");
      assertEquals("ping", listener.next(RecordingListener.Text.class).text());
      channel.close(4000, "");
      assertEquals(4000, listener.awaitClose().code());
    }
  }
}
