package io.wsproxy.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.Headers;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamConnectException.Kind;
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
import java.util.Locale;
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

/** Dialling: successes, every kind of failure, cancellation, headers, subprotocols, discovery. */
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
  void failsUnreachableWhenNothingListensOnThePort() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort(); // closed at once: nothing listens there
    }

    UpstreamConnectException e = failure(TestRequests.to(URI.create("ws://127.0.0.1:" + port + "/x")));

    assertEquals(Kind.UNREACHABLE, e.kind());
    assertInstanceOf(ConnectException.class, e.getCause());
    assertEquals(0, e.httpStatus());
  }

  @Test
  void failsWithTimeoutWhenTheUpstreamNeverAnswersTheUpgrade() throws Exception {
    try (RawUpstream silent = new RawUpstream(RawUpstream.Mode.SILENT)) {
      Duration timeout = Duration.ofMillis(500);
      long start = System.nanoTime();

      UpstreamConnectException e = failure(
          TestRequests.withTimeouts(silent.uri(), timeout, TestRequests.CLOSE_TIMEOUT));

      assertEquals(Kind.TIMEOUT, e.kind());
      assertTrue(System.nanoTime() - start >= timeout.toNanos(), "failed before the timeout");
      assertInstanceOf(HttpTimeoutException.class, e.getCause());
      assertTrue(silent.accepted.await(0, TimeUnit.SECONDS), "the TCP connect went through");
    }
  }

  @Test
  void failsRefusedWithTheUpstreamsStatusWhenItAnswers403() throws Exception {
    try (RawUpstream forbidden = new RawUpstream(RawUpstream.Mode.FORBIDDEN)) {
      UpstreamConnectException e = failure(TestRequests.to(forbidden.uri()));

      assertEquals(Kind.REFUSED, e.kind());
      assertEquals(403, e.httpStatus());
      assertTrue(e.getMessage().contains("403"), e.getMessage());
      assertFalse(e.getMessage().contains("/raw"), "the path may carry credentials: " + e.getMessage());
    }
  }

  @Test
  void failsRefusedWithTheStatusWhenAJavaWebSocketUpstreamRejectsTheHandshake() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) {
      upstream.rejectUpgrade = true;

      UpstreamConnectException e = failure(TestRequests.to(upstream.uri()));

      assertEquals(Kind.REFUSED, e.kind());
      assertEquals(404, e.httpStatus()); // Java-WebSocket answers every rejection with 404
    }
  }

  @Test
  void failsInvalidHandshakeWhenTheAcceptKeyIsWrong() throws Exception {
    try (RawUpstream broken = new RawUpstream(RawUpstream.Mode.WRONG_ACCEPT)) {
      UpstreamConnectException e = failure(TestRequests.to(broken.uri()));

      assertEquals(Kind.INVALID_HANDSHAKE, e.kind());
      assertEquals(0, e.httpStatus());
      assertTrue(e.getMessage().contains("Sec-WebSocket-Accept"), e.getMessage());
    }
  }

  @Test
  void failsInvalidHandshakeWhenTheUpstreamSelectsASubprotocolThatWasNotOffered() throws Exception {
    try (RawUpstream broken = new RawUpstream(RawUpstream.Mode.UNOFFERED_SUBPROTOCOL)) {
      UpstreamConnectException e = failure(TestRequests.withSubprotocols(broken.uri(), "chat"));

      assertEquals(Kind.INVALID_HANDSHAKE, e.kind());
      assertTrue(e.getMessage().contains(RawUpstream.UNOFFERED), e.getMessage());
    }
  }

  @Test
  void failsInvalidHandshakeWhenTheUpstreamAcceptsAnExtensionThatWasNeverOffered() throws Exception {
    try (RawUpstream broken = new RawUpstream(RawUpstream.Mode.EXTENSION)) {
      UpstreamConnectException e = failure(TestRequests.to(broken.uri()));

      assertEquals(Kind.INVALID_HANDSHAKE, e.kind());
      assertTrue(e.getMessage().contains("Sec-WebSocket-Extensions"), e.getMessage());
      assertFalse(broken.requests.poll(WAIT, TimeUnit.SECONDS).toLowerCase(Locale.ROOT)
          .contains("sec-websocket-extensions"), "offered an extension");
    }
  }

  @Test
  void offersTheWholeSubprotocolListAndExposesTheUpstreamsChoice() throws Exception {
    Draft_6455 onlyB = new Draft_6455(List.of(), List.of(new Protocol("b")));
    try (TestUpstream upstream = TestUpstream.launch(onlyB)) {
      WsChannel channel = connector.connect(TestRequests.withSubprotocols(upstream.uri(), "a", "b", "c"),
          listener).get(WAIT, TimeUnit.SECONDS);

      assertEquals("b", channel.subprotocol());
      assertEquals("a, b, c", upstream.handshakes.poll(WAIT, TimeUnit.SECONDS)
          .getFieldValue("Sec-WebSocket-Protocol"));
      channel.close(1000, "");
      listener.awaitClose();
    }
  }

  @Test
  void opensWithoutASubprotocolWhenTheUpstreamSelectsNoneOfTheOffer() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) { // selects no subprotocol
      WsChannel channel = connector.connect(TestRequests.withSubprotocols(upstream.uri(), "chat"), listener)
          .get(WAIT, TimeUnit.SECONDS);

      assertNull(channel.subprotocol()); // what the client would get talking to it directly
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
      channel.abort();
      listener.awaitClose();
    }
  }

  @Test
  void answersWhichCloseCodesTheJdkClientSends() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) {
      WsChannel channel = connector.connect(TestRequests.to(upstream.uri()), listener)
          .get(WAIT, TimeUnit.SECONDS);

      for (int code : new int[] {1000, 1001, 1008, 1011, 3000, 4000, 4999}) {
        assertTrue(channel.canSendCloseCode(code), "can send " + code);
      }
      for (int code : new int[] {999, 1002, 1003, 1004, 1005, 1006, 1007, 1009, 1010, 1012, 1013, 1014,
          1015, 1016, 2999, 5000}) {
        assertFalse(channel.canSendCloseCode(code), "cannot send " + code);
      }
      channel.abort();
      listener.awaitClose();
    }
  }

  @Test
  void cancellingTheDialAbortsAWebSocketThatOpensLaterWithoutListenerCalls() throws Exception {
    try (RawUpstream late = new RawUpstream(RawUpstream.Mode.LATE_UPGRADE)) {
      CompletableFuture<WsChannel> connected = connector.connect(TestRequests.to(late.uri()), listener);
      assertNotNull(late.requests.poll(WAIT, TimeUnit.SECONDS), "the upgrade request arrived");

      assertTrue(connected.cancel(true));
      late.release.countDown(); // now the upstream answers 101

      assertTrue(late.peerClosed.await(WAIT, TimeUnit.SECONDS), "the upstream's TCP connection stayed open");
      assertEquals(0, listener.calls.get(), "listener called: " + listener.events);
      assertTrue(connected.isCancelled());
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
    IllegalArgumentException noThreads = assertThrows(IllegalArgumentException.class,
        () -> builder.threads(0));
    assertTrue(noThreads.getMessage().contains("threads"), noThreads.getMessage());
    IllegalArgumentException lowOverHigh = assertThrows(IllegalArgumentException.class,
        () -> builder.writeBufferWaterMarks(2048, 1024));
    assertTrue(lowOverHigh.getMessage().contains("writeBufferWaterMarks low"), lowOverHigh.getMessage());
    IllegalArgumentException noHigh = assertThrows(IllegalArgumentException.class,
        () -> builder.writeBufferWaterMarks(0, 0));
    assertTrue(noHigh.getMessage().contains("writeBufferWaterMarks high"), noHigh.getMessage());
  }

  @Test
  void isFoundByServiceLoader() {
    try (UpstreamConnector found = ServiceLoader.load(UpstreamConnector.class).findFirst().orElseThrow()) {
      assertInstanceOf(JdkUpstreamConnector.class, found);
    }
  }

  @Test
  void failsNewDialsAtOnceAsUnreachableAfterClose() throws Exception {
    connector.close();
    connector.close();

    UpstreamConnectException e = failure(TestRequests.to(URI.create("ws://127.0.0.1:1/")));
    assertEquals(Kind.UNREACHABLE, e.kind());
    assertEquals("connector closed", e.getMessage());
  }

  @Test
  void keepsOpenConnectionsWorkingAfterClose() throws Exception {
    try (TestUpstream upstream = TestUpstream.launch()) {
      upstream.echo = true;
      WsChannel channel = connector.connect(TestRequests.to(upstream.uri()), listener)
          .get(WAIT, TimeUnit.SECONDS);
      listener.next(RecordingListener.Opened.class);

      connector.close();
      channel.sendText(Text.of("still here"));

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

      channel.sendText(Text.of("ping"));
      assertEquals("ping", listener.next(RecordingListener.Text.class).text());
      channel.close(4000, "");
      assertEquals(4000, listener.awaitClose().code());
    }
  }
}
