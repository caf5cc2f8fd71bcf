package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.RejectionMode;
import io.wsproxy.conformance.ThreadLeaks;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server side: a {@link JavaWebSocketEndpointServer} (the adapter behind it) serving a {@link TestEndpoint}. */
class JavaWebSocketAdapterTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();

  private JavaWebSocketEndpointServer server;
  private TestEndpoint endpoint;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private void serve(TestEndpoint e) throws Exception {
    endpoint = e;
    server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), e);
  }

  private URI uri(String pathAndQuery) {
    return URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery);
  }

  @Test
  void echoesTextAndBinaryThroughTheEndpointsListener() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/echo"));
    client.ws.sendText("hello", true).get(WAIT, TimeUnit.SECONDS);
    assertEquals("hello", client.nextText());
    client.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(WAIT, TimeUnit.SECONDS);
    assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), client.nextBinary());
    RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
    assertEquals("open", listener.events.get(0));
  }

  @Test
  void echoesAOneMebibyteBinaryMessageIntact() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/echo"));
    byte[] payload = new byte[Limits.MIB];
    new Random(42).nextBytes(payload);
    client.ws.sendBinary(ByteBuffer.wrap(payload), true).get(WAIT, TimeUnit.SECONDS);
    ByteBuffer echoed = client.nextBinary();
    byte[] got = new byte[echoed.remaining()];
    echoed.get(got);
    assertArrayEquals(payload, got);
  }

  @Test
  void passesPathQueryHeadersRemoteAddressAndSecureFlagToTheHandshake() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/a/b%20c?x=1&y=%2F"));
    HandshakeRequest req = endpoint.handshakes.poll(WAIT, TimeUnit.SECONDS);
    assertEquals("/a/b%20c", req.path());
    assertEquals("x=1&y=%2F", req.rawQuery());
    assertEquals("websocket", req.header("upgrade").orElseThrow().toLowerCase());
    assertTrue(req.header("Sec-WebSocket-Key").isPresent());
    assertEquals("127.0.0.1:" + server.port(), req.header("host").orElseThrow());
    assertEquals("127.0.0.1", req.remoteAddress().getAddress().getHostAddress());
    assertTrue(req.remoteAddress().getPort() > 0);
    assertFalse(req.secure());
    client.ws.abort();
  }

  @Test
  void passesCustomHeadersAndSplitsRepeatedSubprotocolHeaders() throws Exception {
    serve(new TestEndpoint());
    String response = RawClient.upgrade(server.port(), "/echo",
        "X-Trace: abc-123", "Sec-WebSocket-Protocol: other", "Sec-WebSocket-Protocol: chat");
    assertTrue(response.startsWith("HTTP/1.1 101"), response);
    HandshakeRequest req = endpoint.handshakes.poll(WAIT, TimeUnit.SECONDS);
    assertEquals("abc-123", req.header("x-trace").orElseThrow());
    assertEquals(java.util.List.of("other", "chat"), req.subprotocols());
    assertTrue(response.contains("Sec-WebSocket-Protocol: chat\r\n"), response);
  }

  @Test
  void answersTheSubprotocolTheEndpointChose() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/echo"), "nope", "v2");
    assertEquals("v2", client.ws.getSubprotocol());
    WsChannel channel = endpoint.channels.poll(WAIT, TimeUnit.SECONDS);
    assertEquals("v2", channel.subprotocol());
  }

  @Test
  void acceptsAClientWhoseOfferedSubprotocolsWereAllDeclined() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/echo"), "unknown");
    assertEquals("", client.ws.getSubprotocol());
    assertNull(endpoint.channels.poll(WAIT, TimeUnit.SECONDS).subprotocol());
    client.ws.sendText("still works", true);
    assertEquals("still works", client.nextText());
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403, 429, 431, 503})
  void refusesTheUpgradeWithTheRejectionsHttpStatus(int status) throws Exception {
    serve(new TestEndpoint());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> JdkClient.attempt(uri("/deny/" + status)).get(WAIT, TimeUnit.SECONDS));
    WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class,
        e.getCause());
    assertEquals(status, refused.getResponse().statusCode());
    assertTrue(endpoint.opened.isEmpty());
  }

  @Test
  void sendsExactlyTheRefusalWithTheReasonAndThenClosesTheConnection() throws Exception {
    serve(new TestEndpoint());
    String response = RawClient.upgrade(server.port(), "/deny/403");
    String body = TestEndpoint.denyReason(403) + "\n";
    assertEquals("HTTP/1.1 403 Forbidden\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length() + "\r\n"
        + "Connection: close\r\n"
        + "\r\n" + body, response); // read to EOF: Java-WebSocket's own 404 page never follows
    assertEquals(0, server.connectionCount());
  }

  @Test
  void closeCodeModeCompletesTheUpgradeThenClosesWithTheRejectionsCodeAndReason()
      throws Exception {
    serve(new TestEndpoint(Limits.DEFAULTS, RejectionMode.CLOSE_CODE));
    JdkClient client = JdkClient.connect(uri("/deny/403"));
    assertEquals(new CloseEvent(4403, TestEndpoint.denyReason(403), true), client.awaitClose());
    assertTrue(endpoint.opened.isEmpty(), "the endpoint must not be opened for a refused client");
  }

  @Test
  void refusesWith503WhenTheEndpointDoesNotDecideWithinTheHandshakeTimeout() throws Exception {
    serve(new TestEndpoint(Limits.builder().handshakeTimeout(Duration.ofMillis(200)).build(),
        RejectionMode.HTTP_STATUS));
    String response = RawClient.upgrade(server.port(), "/hang");
    assertTrue(response.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), response);
  }

  @Test
  void answersAnOversizedUpgradeRequestWith431AndDropsIt() throws Exception {
    serve(new TestEndpoint());
    int limit = Limits.DEFAULT_MAX_HANDSHAKE_HEADER_BYTES
        + io.wsproxy.javawebsocket.internal.workarounds.UpgradeRequestReader.REQUEST_LINE_ALLOWANCE;
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout((int) JdkClient.TIMEOUT.toMillis());
      String head = "GET /echo HTTP/1.1\r\nX-Padding: ";
      socket.getOutputStream().write((head + "a".repeat(limit + 1 - head.length()))
          .getBytes(StandardCharsets.US_ASCII)); // never finished: Java-WebSocket would wait on
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer);
    }
    assertTrue(endpoint.handshakes.isEmpty());
    JdkClient other = JdkClient.connect(uri("/echo"));
    other.ws.sendText("others unaffected", true);
    assertEquals("others unaffected", other.nextText());
  }

  @Test
  void refusesAMalformedRequestTargetWith400() throws Exception {
    serve(new TestEndpoint());
    String response = RawClient.upgrade(server.port(), "*");
    assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), response);
    assertTrue(endpoint.handshakes.isEmpty());
  }

  @Test
  void closesAClientThatSendsAnOversizedFrameWith1009AndKeepsOthersWorking() throws Exception {
    int limit = 64 * Limits.KIB;
    serve(new TestEndpoint(Limits.builder().maxFrameSize(limit).build(),
        RejectionMode.HTTP_STATUS));
    JdkClient bystander = JdkClient.connect(uri("/echo"));
    // only the header goes out, so the answer cannot race the rest of a large write (a client
    // still writing when the server closes sees a broken pipe instead of the close frame)
    try (E2eRawClient offender = E2eRawClient.upgrade(uri("/").getPort(), "/echo")) {
      offender.sendForgedBinaryHeader(limit + 1);
      assertEquals(1009, offender.answer().closeCode());
    }
    try (E2eRawClient forger = E2eRawClient.upgrade(uri("/").getPort(), "/echo")) {
      forger.sendForgedBinaryHeader(1L << 62); // would exhaust any heap if it were believed
      assertEquals(1009, forger.answer().closeCode());
    }
    bystander.ws.sendText("still here", true);
    assertEquals("still here", bystander.nextText());
    bystander.ws.sendBinary(ByteBuffer.allocate(limit), true);
    assertEquals(limit, bystander.nextBinary().remaining());
  }

  @Test
  void reportsTheClientsCloseCodeAndReasonAsRemote() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/echo"));
    RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
    client.ws.sendClose(4000, "bye");
    assertEquals(new CloseEvent(4000, "bye", true), listener.closed.get(WAIT, TimeUnit.SECONDS));
    assertEquals(4000, client.awaitClose().code());
    assertEquals("close", listener.events.get(listener.events.size() - 1));
  }

  @Test
  void sendsTheEndpointsCloseCodeAndReasonToTheClient() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/echo"));
    WsChannel channel = endpoint.channels.poll(WAIT, TimeUnit.SECONDS);
    RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
    channel.close(4001, "done");
    assertEquals(new CloseEvent(4001, "done", true), client.awaitClose());
    CloseEvent seen = listener.closed.get(WAIT, TimeUnit.SECONDS);
    assertFalse(seen.remote(), "we started the close");
    assertFalse(channel.sendText(Text.of("ignored after close"))); // must not throw
  }

  @Test
  void mapsUnsendableCodesAndCutsLongReasonsWhenClosing() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/echo"));
    WsChannel channel = endpoint.channels.poll(WAIT, TimeUnit.SECONDS);
    channel.close(1006, "é".repeat(100));
    CloseEvent seen = client.awaitClose();
    assertEquals(1001, seen.code());
    assertEquals("é".repeat(61), seen.reason()); // 122 of the 123 bytes: never half a character
  }

  @Test
  void reportsACloseFrameWithoutACodeAs1005() throws Exception {
    serve(new TestEndpoint());
    JwsTestClient client = JwsTestClient.connect(uri("/echo"));
    RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
    client.sendCloseWithoutCode();
    assertEquals(new CloseEvent(1005, "", true), listener.closed.get(WAIT, TimeUnit.SECONDS));
    assertTrue(listener.errors.isEmpty(), "no error for a valid close frame: " + listener.errors);
    // the server answered with an empty close frame, which stock Java-WebSocket reads as 1000
    assertEquals(1000, client.closed.get(WAIT, TimeUnit.SECONDS).code());
  }

  @Test
  void reportsAClientThatDropsTheConnectionAs1006() throws Exception {
    serve(new TestEndpoint());
    JwsTestClient client = JwsTestClient.connect(uri("/echo"));
    RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
    client.getSocket().close();
    CloseEvent seen = listener.closed.get(WAIT, TimeUnit.SECONDS);
    assertEquals(1006, seen.code());
    assertTrue(seen.remote());
  }

  @Test
  void abortDropsTheClientAndReportsOneClose() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/silent"));
    WsChannel channel = endpoint.channels.poll(WAIT, TimeUnit.SECONDS);
    RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
    channel.abort();
    channel.abort();
    assertEquals(new CloseEvent(1006, "aborted", false), listener.closed.get(WAIT, TimeUnit.SECONDS));
    assertTrue(client.closed.handle((c, e) -> c == null || c.code() == 1006)
        .get(WAIT, TimeUnit.SECONDS));
    assertEquals(1, listener.events.stream().filter("close"::equals).count());
  }

  @Test
  void reportsPingsToTheListener() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/echo"));
    RecordingListener listener = endpoint.opened.poll(WAIT, TimeUnit.SECONDS);
    client.ws.sendPing(ByteBuffer.wrap(new byte[] {7, 8}));
    assertEquals(ByteBuffer.wrap(new byte[] {7, 8}), listener.pings.poll(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void countsQueuedBytesUntilTheyAreWritten() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/silent"));
    WsChannel channel = endpoint.channels.poll(WAIT, TimeUnit.SECONDS);
    assertEquals(0, channel.queuedBytes());
    assertTrue(channel.sendText(Text.of("x".repeat(1000))));
    assertTrue(channel.queuedBytes() <= 1004, "at most the frame: " + channel.queuedBytes());
    assertEquals("x".repeat(1000), client.nextText());
    // the selector drops the written frame from its queue just after the write the client saw
    assertTrue(ThreadLeaks.await(JdkClient.TIMEOUT, () -> channel.queuedBytes() == 0),
        "still queued: " + channel.queuedBytes());
    assertFalse(channel.canPauseReading());
  }

  @Test
  void acceptsSendsFromManyThreadsAtOnceKeepingEachThreadsOrder() throws Exception {
    serve(new TestEndpoint());
    JdkClient client = JdkClient.connect(uri("/silent"));
    WsChannel channel = endpoint.channels.poll(WAIT, TimeUnit.SECONDS);
    int threads = 4;
    int each = 250;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
        threads);
    try {
      for (int t = 0; t < threads; t++) {
        int id = t;
        pool.execute(() -> {
          for (int i = 0; i < each; i++) {
            channel.sendText(Text.of(id + ":" + i));
          }
        });
      }
      int[] next = new int[threads];
      for (int n = 0; n < threads * each; n++) {
        String[] msg = client.nextText().split(":");
        int id = Integer.parseInt(msg[0]);
        assertEquals(next[id]++, Integer.parseInt(msg[1]), "thread " + id + " out of order");
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(ThreadLeaks.await(JdkClient.TIMEOUT, () -> channel.queuedBytes() == 0),
        "still queued: " + channel.queuedBytes());
  }

  /** A minimal HTTP client for what the WebSocket clients hide: raw requests and raw answers. */
  static final class RawClient {
    private RawClient() {}

    /** Sends an upgrade request and returns everything the server sends until it closes. */
    static String upgrade(int port, String target, String... extraHeaders) throws Exception {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout((int) JdkClient.TIMEOUT.toMillis());
        StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1:" + port + "\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        for (String h : extraHeaders) {
          req.append(h).append("\r\n");
        }
        req.append("\r\n");
        socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) != -1) {
          out.write(buf, 0, n);
          String soFar = out.toString(StandardCharsets.ISO_8859_1);
          if (soFar.startsWith("HTTP/1.1 101") && soFar.contains("\r\n\r\n")) {
            return soFar.substring(0, soFar.indexOf("\r\n\r\n") + 4); // upgraded: stays open
          }
        }
        return out.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
