package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.RejectionMode;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.conformance.UpstreamPeer;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ready server's plain-HTTP answers, strict upgrade checks, framing rules and pending handshakes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NettyEndpointServerTest extends Resources {

  private int serve(WsEndpoint endpoint) throws Exception {
    return register(NettyEndpointServer.builder(endpoint).eventLoopThreads(1)
        .start(new InetSocketAddress("127.0.0.1", 0))).port();
  }

  private int echoProxy(RejectionMode mode) throws Exception {
    UpstreamPeer peer = register(UpstreamPeer.start());
    NettyUpstreamConnector connector = register(new NettyUpstreamConnector());
    WebSocketProxy proxy = register(WebSocketProxy.builder().connector(connector)
        .route("/echo", peer.uri("").toString()).rejectionMode(mode).build());
    return serve(proxy);
  }

  private RawSocket raw(int port) throws Exception {
    return register(RawSocket.connect(port, AWAIT));
  }

  /** A raw socket upgraded at {@code /echo}. */
  private RawSocket upgraded(int port) throws Exception {
    RawSocket s = raw(port);
    s.send(RawSocket.upgrade("/echo", port));
    assertEquals(101, s.readResponse().status());
    return s;
  }

  @Test
  void answersHealthzWith200OkWhileAccepting() throws Exception {
    int port = echoProxy(RejectionMode.HTTP_STATUS);
    RawSocket s = raw(port);
    s.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    RawSocket.Response r = s.readResponse();
    assertEquals(200, r.status());
    assertEquals("ok\n", r.body());
  }

  @Test
  void answersAHeadHealthCheckWithTheHeadAlone() throws Exception {
    int port = echoProxy(RejectionMode.HTTP_STATUS);
    RawSocket s = raw(port);
    s.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    String all = s.readToEnd();
    assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n"), all);
    assertTrue(all.toLowerCase().contains("content-length: 3\r\n"), all);
    assertTrue(all.endsWith("\r\n\r\n"), "no body after the head: " + all);
  }

  @Test
  void answersOtherPlainRequestsWith426AndAOneLineBody() throws Exception {
    int port = echoProxy(RejectionMode.HTTP_STATUS);
    RawSocket s = raw(port);
    s.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
    RawSocket.Response r = s.readResponse();
    assertEquals(426, r.status());
    assertTrue(r.head().toLowerCase().contains("connection: close"), r.head());
    assertEquals(1, r.body().split("\n").length, r.body());
    assertTrue(s.awaitEndOfStream(), "the connection is closed after the answer");
  }

  static Stream<Arguments> malformedUpgrades() {
    String key = "Sec-WebSocket-Key: " + RawSocket.KEY + "\r\n";
    String tail = "Upgrade: websocket\r\nConnection: Upgrade\r\n" + key;
    return Stream.of(
        Arguments.of("no Host", "GET /echo HTTP/1.1\r\n" + tail
            + "Sec-WebSocket-Version: 13\r\n\r\n", 400),
        Arguments.of("two Hosts", "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + tail
            + "Sec-WebSocket-Version: 13\r\n\r\n", 400),
        Arguments.of("no Connection: upgrade", "GET /echo HTTP/1.1\r\nHost: a\r\n"
            + "Upgrade: websocket\r\nConnection: keep-alive\r\n" + key
            + "Sec-WebSocket-Version: 13\r\n\r\n", 426),
        Arguments.of("short key", "GET /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n", 400),
        Arguments.of("version 8", "GET /echo HTTP/1.1\r\nHost: a\r\n" + tail
            + "Sec-WebSocket-Version: 8\r\n\r\n", 426),
        Arguments.of("HTTP/1.0", "GET /echo HTTP/1.0\r\nHost: a\r\n" + tail
            + "Sec-WebSocket-Version: 13\r\n\r\n", 400),
        Arguments.of("POST", "POST /echo HTTP/1.1\r\nHost: a\r\n" + tail
            + "Sec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n", 405),
        Arguments.of("a body", "GET /echo HTTP/1.1\r\nHost: a\r\n" + tail
            + "Sec-WebSocket-Version: 13\r\nContent-Length: 2\r\n\r\nhi", 400));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("malformedUpgrades")
  void refusesMalformedUpgradesBeforeTheEndpointSeesThem(String what, String request, int status)
      throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    WsEndpoint endpoint = new HangingEndpoint(asked, new CountDownLatch(1));
    RawSocket s = raw(serve(endpoint));
    s.send(request);
    RawSocket.Response r = s.readResponse();
    assertEquals(status, r.status(), what + ": " + r.head());
    if (what.startsWith("version")) {
      assertTrue(r.head().toLowerCase().contains("sec-websocket-version: 13"), r.head());
    }
    assertEquals(1, asked.getCount(), "the endpoint never saw it");
    assertTrue(s.awaitEndOfStream(), "closed after the refusal");
  }

  @Test
  void abandonsAPendingHandshakeWhenTheClientLeaves() throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch abandoned = new CountDownLatch(1);
    int port = serve(new HangingEndpoint(asked, abandoned));
    RawSocket s = raw(port);
    s.send(RawSocket.upgrade("/x", port));
    assertTrue(asked.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS), "handshake started");
    s.close();
    assertTrue(abandoned.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS), "handshake abandoned");
  }

  @Test
  void answersAHandshakeNeverDecided503AtItsOwnDeadlineLongAfterTheRequestHeadsDeadline()
      throws Exception {
    // the head's deadline (200 ms from accept) and the answer's (200 + 200 ms + 1 s slack from the
    // request) share one timer: it fires at the first, and must wait on for the second
    Duration timeout = Duration.ofMillis(200);
    Limits limits = Limits.builder().handshakeTimeout(timeout).connectTimeout(timeout).build();
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch abandoned = new CountDownLatch(1);
    int port = serve(new HangingEndpoint(asked, abandoned, limits));
    RawSocket s = raw(port);
    long start = System.nanoTime();
    s.send(RawSocket.upgrade("/x", port));
    RawSocket.Response r = s.readResponse();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(503, r.status(), r.head());
    assertTrue(r.body().contains("Handshake timed out"), r.body());
    assertTrue(took.compareTo(timeout.plus(timeout).plus(Duration.ofSeconds(1))) >= 0,
        "answered after " + took.toMillis() + " ms, before its deadline");
    assertTrue(abandoned.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS), "handshake abandoned");
  }

  @Test
  void answersARejectionWithItsStatusAndReasonAsText() throws Exception {
    int port = echoProxy(RejectionMode.HTTP_STATUS);
    RawSocket s = raw(port);
    s.send(RawSocket.upgrade("/nowhere", port));
    RawSocket.Response r = s.readResponse();
    assertEquals(404, r.status(), r.head());
    assertTrue(r.head().toLowerCase().contains("content-type: text/plain"), r.head());
    assertTrue(r.head().toLowerCase().contains("connection: close"), r.head());
    assertTrue(!r.body().isBlank(), "a reason");
  }

  @Test
  void completesTheUpgradeThenClosesWithTheRejectionCodeInCloseCodeMode() throws Exception {
    int port = echoProxy(RejectionMode.CLOSE_CODE);
    RawSocket s = raw(port);
    s.send(RawSocket.upgrade("/nowhere", port));
    assertEquals(101, s.readResponse().status());
    RawSocket.Frame close = s.readFrame();
    assertEquals(0x8, close.opcode());
    assertEquals(CloseCodes.NOT_FOUND, close.closeCode());
  }

  @Test
  void closesAnUnmaskedClientFrameWith1002() throws Exception {
    int port = echoProxy(RejectionMode.HTTP_STATUS);
    RawSocket s = upgraded(port);
    s.sendFrame(0x1, "not masked".getBytes(StandardCharsets.UTF_8), false);
    RawSocket.Frame close = s.readFrame();
    assertEquals(0x8, close.opcode());
    assertEquals(CloseCodes.PROTOCOL_ERROR, close.closeCode());
    assertTrue(s.awaitEndOfStream(), "the connection is cut");
  }

  static Stream<Arguments> invalidUtf8() {
    byte[] text = {(byte) 0xc3, (byte) 0x28};
    byte[] closeReason = {0x0f, (byte) 0xa0, (byte) 0xc3, (byte) 0x28}; // 4000, then invalid UTF-8
    return Stream.of(Arguments.of("in a text message", 0x1, text),
        Arguments.of("in a close reason", 0x8, closeReason));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8")
  void closesInvalidUtf8With1007(String where, int opcode, byte[] payload) throws Exception {
    int port = echoProxy(RejectionMode.HTTP_STATUS);
    RawSocket s = upgraded(port);
    s.sendFrame(opcode, payload, true);
    RawSocket.Frame close = s.readFrame();
    assertEquals(CloseCodes.INVALID_PAYLOAD, close.closeCode(), where);
  }

  @Test
  void relaysFramesAClientPipelinedBehindItsUpgradeRequest() throws Exception {
    int port = echoProxy(RejectionMode.HTTP_STATUS);
    RawSocket s = raw(port);
    s.send(RawSocket.upgrade("/echo", port));
    s.sendFrame(0x1, "early".getBytes(StandardCharsets.UTF_8), true); // before the 101
    assertEquals(101, s.readResponse().status());
    RawSocket.Frame echo = s.readFrame();
    assertEquals(0x1, echo.opcode());
    assertEquals("early", new String(echo.payload(), StandardCharsets.UTF_8));
  }

  @Test
  void answersAPingWithItsPayload() throws Exception {
    int port = echoProxy(RejectionMode.HTTP_STATUS);
    RawSocket s = upgraded(port);
    s.sendFrame(0x9, "p".getBytes(StandardCharsets.UTF_8), true);
    RawSocket.Frame pong = s.readFrame();
    assertEquals(0xA, pong.opcode());
    assertEquals("p", new String(pong.payload(), StandardCharsets.UTF_8));
  }
}
