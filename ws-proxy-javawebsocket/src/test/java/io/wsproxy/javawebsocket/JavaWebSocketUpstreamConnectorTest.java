package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connector against a {@link JavaWebSocketEndpointServer} serving a {@link TestEndpoint}, and raw sockets. */
class JavaWebSocketUpstreamConnectorTest {

  private static final long WAIT = JdkClient.TIMEOUT.toSeconds();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** How long a test watches for a FIN that must not come (there is no event to wait for). */
  private static final Duration NO_EARLY_FIN_WINDOW = Duration.ofMillis(500);

  private final JavaWebSocketUpstreamConnector connector = new JavaWebSocketUpstreamConnector();
  private TestEndpoint upstream;
  private JavaWebSocketEndpointServer server;

  @BeforeEach
  void startUpstream() throws Exception {
    upstream = new TestEndpoint();
    server = JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), upstream);
  }

  @AfterEach
  void stop() {
    server.stop();
    connector.close();
  }

  private UpstreamRequest request(String path, List<String> subprotocols) {
    return request(URI.create("ws://127.0.0.1:" + server.port() + path), Headers.EMPTY,
        subprotocols, Limits.DEFAULT_MAX_MESSAGE_SIZE, TIMEOUT);
  }

  private static UpstreamRequest request(URI uri, Headers headers, List<String> subprotocols,
      int maxMessageSize, Duration timeouts) {
    return UpstreamRequest.builder(uri).headers(headers).subprotocols(subprotocols)
        .connectTimeout(timeouts).closeTimeout(timeouts)
        .maxFrameSize(Math.min(maxMessageSize, Limits.DEFAULT_MAX_FRAME_SIZE))
        .maxMessageSize(maxMessageSize).build();
  }

  /** Dials the raw test server {@code raw} and waits for the channel. */
  private WsChannel connectTo(ServerSocket raw, RecordingListener listener, Duration timeouts)
      throws Exception {
    return connector.connect(request(URI.create("ws://127.0.0.1:" + raw.getLocalPort() + "/"),
        Headers.EMPTY, List.of(), Limits.DEFAULT_MAX_MESSAGE_SIZE, timeouts), listener)
        .get(WAIT, TimeUnit.SECONDS);
  }

  private static UpstreamConnectException failure(CompletableFuture<WsChannel> future) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> future.get(WAIT, TimeUnit.SECONDS));
    return assertInstanceOf(UpstreamConnectException.class, e.getCause());
  }

  @Test
  void opensTheListenerBeforeCompletingAndRoundTripsMessages() throws Exception {
    RecordingListener listener = new RecordingListener(false);
    CompletableFuture<Boolean> openedFirst = connector.connect(request("/echo", List.of()), listener)
        .thenApply(ch -> listener.opened.isDone());
    assertTrue(openedFirst.get(WAIT, TimeUnit.SECONDS));
    WsChannel channel = listener.opened.get();
    assertTrue(channel.sendText(Text.of("over the wire")));
    assertEquals("over the wire", listener.texts.poll(WAIT, TimeUnit.SECONDS));
    ByteBuffer data = ByteBuffer.wrap(new byte[] {9, 8, 7});
    assertTrue(channel.sendBinary(data));
    assertEquals(ByteBuffer.wrap(new byte[] {9, 8, 7}), listener.binaries.poll(WAIT, TimeUnit.SECONDS));
    assertEquals(List.of("open", "text", "binary"), listener.events);
  }

  @Test
  void sendsTheRequestHeadersButWritesTheHandshakeHeadersItself() throws Exception {
    Headers headers = Headers.of("X-Forwarded-For", "10.0.0.1", "X-Trace", "t1", "Host", "evil");
    RecordingListener listener = new RecordingListener(false);
    connector.connect(request(URI.create("ws://127.0.0.1:" + server.port() + "/echo?q=1"),
        headers, List.of(), Limits.DEFAULT_MAX_MESSAGE_SIZE, TIMEOUT), listener)
        .get(WAIT, TimeUnit.SECONDS);
    HandshakeRequest seen = upstream.handshakes.poll(WAIT, TimeUnit.SECONDS);
    assertEquals("10.0.0.1", seen.header("x-forwarded-for").orElseThrow());
    assertEquals("t1", seen.header("x-trace").orElseThrow());
    assertEquals("127.0.0.1:" + server.port(), seen.header("host").orElseThrow());
    assertEquals("q=1", seen.rawQuery());
  }

  @Test
  void failsWithoutCallingTheListenerWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there now
    }
    RecordingListener listener = new RecordingListener(false);
    UpstreamConnectException e = failure(connector.connect(
        request(URI.create("ws://127.0.0.1:" + port + "/"), Headers.EMPTY, List.of(),
            Limits.DEFAULT_MAX_MESSAGE_SIZE, TIMEOUT), listener));
    assertEquals(UpstreamConnectException.Kind.UNREACHABLE, e.kind());
    assertEquals(0, e.httpStatus());
    assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
    assertTrue(listener.events.isEmpty());
  }

  @Test
  void failsWithTheUpstreamsHttpStatusWhenTheUpgradeIsRefused() throws Exception {
    RecordingListener listener = new RecordingListener(false);
    UpstreamConnectException e = failure(connector.connect(request("/deny/403", List.of()),
        listener));
    assertEquals(UpstreamConnectException.Kind.REFUSED, e.kind());
    assertEquals(403, e.httpStatus());
    assertTrue(listener.events.isEmpty());
  }

  @Test
  void offersTheSubprotocolAndReportsTheUpstreamsChoice() throws Exception {
    RecordingListener listener = new RecordingListener(false);
    WsChannel channel = connector.connect(request("/echo", List.of("v2")), listener)
        .get(WAIT, TimeUnit.SECONDS);
    assertEquals("v2", channel.subprotocol());
    assertEquals(List.of("v2"), upstream.handshakes.poll(WAIT, TimeUnit.SECONDS).subprotocols());
    WsChannel plain = connector.connect(request("/echo", List.of()), new RecordingListener(false))
        .get(WAIT, TimeUnit.SECONDS);
    assertNull(plain.subprotocol());
  }

  @Test
  void acceptsAnUpstreamThatChoosesNoneOfTheOfferedSubprotocols() throws Exception {
    RecordingListener listener = new RecordingListener(false);
    WsChannel channel = connector.connect(request("/echo", List.of("mqtt")), listener)
        .get(WAIT, TimeUnit.SECONDS);
    assertNull(channel.subprotocol());
    assertEquals(List.of("open"), listener.events);
  }

  @Test
  void failsAsAnInvalidHandshakeWhenTheUpstreamChoosesASubprotocolThatWasNotOffered()
      throws Exception {
    assertInvalid101(null, "Sec-WebSocket-Protocol: mqtt\r\n");
  }

  @Test
  void carriesCloseCodesAndReasonsBothWays() throws Exception {
    RecordingListener ours = new RecordingListener(false);
    WsChannel channel = connector.connect(request("/echo", List.of()), ours)
        .get(WAIT, TimeUnit.SECONDS);
    RecordingListener theirs = upstream.opened.poll(WAIT, TimeUnit.SECONDS);
    channel.close(4002, "client done");
    assertEquals(new CloseEvent(4002, "client done", true),
        theirs.closed.get(WAIT, TimeUnit.SECONDS));
    assertEquals(new CloseEvent(4002, "client done", false), ours.closed.get(WAIT, TimeUnit.SECONDS));

    RecordingListener second = new RecordingListener(false);
    connector.connect(request("/echo", List.of()), second).get(WAIT, TimeUnit.SECONDS);
    upstream.channels.poll(WAIT, TimeUnit.SECONDS); // the first connection's
    upstream.channels.poll(WAIT, TimeUnit.SECONDS).close(4003, "server done");
    assertEquals(new CloseEvent(4003, "server done", true), second.closed.get(WAIT, TimeUnit.SECONDS));
  }

  @Test
  void closesAnUpstreamThatSendsAnOversizedMessageWith1009() throws Exception {
    RecordingListener listener = new RecordingListener(false);
    WsChannel channel = connector.connect(request(URI.create("ws://127.0.0.1:" + server.port()
        + "/echo"), Headers.EMPTY, List.of(), Limits.KIB, TIMEOUT), listener)
        .get(WAIT, TimeUnit.SECONDS);
    RecordingListener theirs = upstream.opened.poll(WAIT, TimeUnit.SECONDS);
    channel.sendBinary(ByteBuffer.allocate(Limits.KIB + 1)); // the upstream echoes it
    assertEquals(new CloseEvent(CloseCodes.MESSAGE_TOO_BIG, "Message too big", false),
        listener.closed.get(WAIT, TimeUnit.SECONDS));
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, theirs.closed.get(WAIT, TimeUnit.SECONDS).code());
  }

  @Test
  void failsWhenTheUpstreamNeverAnswersTheUpgradeWithinTheConnectTimeout() throws Exception {
    try (ServerSocket mute = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      RecordingListener listener = new RecordingListener(false);
      UpstreamConnectException e = failure(connector.connect(
          request(URI.create("ws://127.0.0.1:" + mute.getLocalPort() + "/"), Headers.EMPTY,
              List.of(), Limits.DEFAULT_MAX_MESSAGE_SIZE, Duration.ofMillis(300)), listener));
      assertEquals(UpstreamConnectException.Kind.TIMEOUT, e.kind());
      assertTrue(e.getMessage().contains("within"), e.getMessage());
      assertTrue(listener.events.isEmpty());
    }
  }

  @Test
  void cutsAnUpstreamThatNeverAnswersTheCloseAndEndsItsThreads() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> upstreamDone = CompletableFuture.runAsync(() -> RawUpstream.acceptAndIgnore(raw));
      Set<Thread> before = clientThreads();
      RecordingListener listener = new RecordingListener(false);
      WsChannel channel = connectTo(raw, listener, Duration.ofMillis(300));
      Set<Thread> started = clientThreads();
      started.removeAll(before);
      assertEquals(2, started.size(), "a read and a write thread: " + started);

      channel.close(CloseCodes.NORMAL, "bye");
      assertEquals(new CloseEvent(CloseCodes.ABNORMAL, "aborted", false),
          listener.closed.get(WAIT, TimeUnit.SECONDS));
      for (Thread t : started) {
        t.join(TimeUnit.SECONDS.toMillis(WAIT));
        assertFalse(t.isAlive(), t.getName());
      }
      upstreamDone.get(WAIT, TimeUnit.SECONDS);
    }
  }

  @Test
  void keepsTheConnectionUntilTheUpstreamEndsItAfterACloseStartedHere() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> RawUpstream.acceptUpgrade(raw));
      RecordingListener listener = new RecordingListener(false);
      WsChannel channel = connectTo(raw, listener, TIMEOUT);
      try (Socket upstreamSide = accepted.get(WAIT, TimeUnit.SECONDS)) {
        upstreamSide.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT));
        DataInputStream in = new DataInputStream(upstreamSide.getInputStream());
        channel.close(4000, "bye");
        assertEquals(0x88, in.readUnsignedByte(), "a close frame");
        in.readFully(new byte[4 + (in.readUnsignedByte() & 0x7F)]); // mask and payload
        // a message that crossed the close: Java-WebSocket's client used to stop reading at it and
        // close its socket at once
        upstreamSide.getOutputStream().write(new byte[] {(byte) 0x81, 4, 'l', 'a', 't', 'e'});
        upstreamSide.setSoTimeout((int) NO_EARLY_FIN_WINDOW.toMillis());
        assertThrows(SocketTimeoutException.class, in::read,
            "the client leaves ending the connection to the server");
        upstreamSide.getOutputStream().write(new byte[] {(byte) 0x88, 5, 0x0F, (byte) 0xA0,
            'b', 'y', 'e'});
      } // the server ends the TCP connection, as RFC 6455 wants
      assertEquals(new CloseEvent(4000, "bye", false), listener.closed.get(WAIT, TimeUnit.SECONDS));
    }
  }

  @Test
  void offersTheWholeSubprotocolOfferInOrder() throws Exception {
    WsChannel channel = connector.connect(request("/echo", List.of("mqtt", "v2", "chat")),
        new RecordingListener(false)).get(WAIT, TimeUnit.SECONDS);
    assertEquals(List.of("mqtt", "v2", "chat"),
        upstream.handshakes.poll(WAIT, TimeUnit.SECONDS).subprotocols());
    assertEquals("v2", channel.subprotocol());
  }

  @Test
  void cancellingTheFutureAbandonsTheDialWithoutCallingTheListener() throws Exception {
    RecordingListener listener = new RecordingListener(false);
    CompletableFuture<WsChannel> dial = connector.connect(request("/late", List.of()), listener);
    upstream.late.poll(WAIT, TimeUnit.SECONDS); // the upstream holds the upgrade: still dialling
    assertTrue(dial.cancel(true));
    assertNotNull(upstream.abandoned.poll(WAIT, TimeUnit.SECONDS), "the connection was cut");
    assertTrue(listener.events.isEmpty(), listener.events.toString());
  }

  @Test
  void failsAsAnInvalidHandshakeWhenThe101HasAWrongAcceptKey() throws Exception {
    assertInvalid101("Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n");
  }

  @Test
  void failsAsAnInvalidHandshakeWhenThe101NamesAnExtension() throws Exception {
    assertInvalid101(null, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
  }

  private void assertInvalid101(String acceptLine, String... extra) throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(
          () -> RawUpstream.acceptUpgrade(raw, acceptLine, extra));
      RecordingListener listener = new RecordingListener(false);
      UpstreamConnectException e = failure(connector.connect(request(URI.create("ws://127.0.0.1:"
          + raw.getLocalPort() + "/"), Headers.EMPTY, List.of(), Limits.DEFAULT_MAX_MESSAGE_SIZE,
          TIMEOUT), listener));
      assertEquals(UpstreamConnectException.Kind.INVALID_HANDSHAKE, e.kind(), e.getMessage());
      assertTrue(listener.events.isEmpty());
      accepted.get(WAIT, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void answersNotWritableWhenTheUpstreamStopsReadingAndTellsWhenItDrained() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> RawUpstream.acceptUpgrade(raw));
      RecordingListener listener = new RecordingListener(false);
      WsChannel channel = connectTo(raw, listener, TIMEOUT);
      try (Socket upstreamSide = accepted.get(WAIT, TimeUnit.SECONDS)) {
        int sent = 0;
        boolean writable = true;
        while (writable && sent < 64) { // the upstream reads nothing: the queue must fill
          writable = channel.sendBinary(ByteBuffer.allocate(Limits.MIB));
          sent++;
        }
        assertFalse(writable, "not writable after " + sent + " MiB");
        assertFalse(channel.isWritable());
        assertTrue(listener.writable.isEmpty(), "onWritable only once drained");
        CompletableFuture.runAsync(() -> RawUpstream.drain(upstreamSide));
        assertEquals(channel, listener.writable.poll(WAIT, TimeUnit.SECONDS));
        assertTrue(channel.isWritable());
      }
    }
  }

  @Test
  void closeFailsNewDialsAtOnceAndEndsItsTimerOnceConnectionsEnded() throws Exception {
    Set<Thread> before = timerThreads();
    RecordingListener listener = new RecordingListener(false);
    WsChannel open = connector.connect(request("/echo", List.of()), listener)
        .get(WAIT, TimeUnit.SECONDS);
    Set<Thread> mine = timerThreads();
    mine.removeAll(before);
    assertEquals(1, mine.size(), "one timer thread per connector: " + mine);
    connector.close();
    UpstreamConnectException e = failure(connector.connect(request("/echo", List.of()),
        new RecordingListener(false)));
    assertEquals(UpstreamConnectException.Kind.UNREACHABLE, e.kind());
    assertTrue(open.sendText(Text.of("still works")));
    assertTrue(mine.iterator().next().isAlive(), "the open connection keeps its timer");
    open.close(CloseCodes.NORMAL, "");
    listener.closed.get(WAIT, TimeUnit.SECONDS);
    Thread timer = mine.iterator().next();
    timer.join(TimeUnit.SECONDS.toMillis(WAIT));
    assertFalse(timer.isAlive(), "the timer ends with the last connection");
  }

  private static Set<Thread> timerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("ws-proxy-jws-client-timer") && t.isAlive())
        .collect(Collectors.toSet());
  }

  private static Set<Thread> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("WebSocketConnectReadThread-")
            || t.getName().startsWith("WebSocketWriteThread-"))
        .collect(Collectors.toSet());
  }
}
