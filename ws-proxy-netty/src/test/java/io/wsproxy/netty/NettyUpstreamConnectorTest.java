package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.wsproxy.conformance.UpstreamPeer;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamConnectException.Kind;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the Netty connector dials, validates the 101, reports failures, cancels and shuts down. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NettyUpstreamConnectorTest {

  private static final Duration AWAIT = Duration.ofSeconds(10);

  /** Counts every listener call: a failed or cancelled dial must make none. */
  static final class Counting implements WsListener {
    final AtomicInteger calls = new AtomicInteger();
    final CompletableFuture<String> text = new CompletableFuture<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile boolean openedOnAffinityLoop;
    volatile Thread openedOn;
    private final EventLoop affinity;

    Counting(EventLoop affinity) {
      this.affinity = affinity;
    }

    @Override
    public void onOpen(WsChannel channel) {
      calls.incrementAndGet();
      openedOnAffinityLoop = affinity != null && affinity.inEventLoop();
      openedOn = Thread.currentThread();
    }

    @Override
    public void onText(WsChannel channel, Text t) {
      calls.incrementAndGet();
      text.complete(t.asString());
    }

    @Override
    public void onClose(WsChannel channel, int code, String reason, boolean remote) {
      calls.incrementAndGet();
      closeCode.complete(code);
    }
  }

  private static UpstreamConnectException failure(CompletableFuture<WsChannel> f) throws Exception {
    try {
      f.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("the dial succeeded");
    } catch (ExecutionException e) {
      return assertInstanceOf(UpstreamConnectException.class, e.getCause());
    }
  }

  private static UpstreamRequest.Builder request(int port) {
    return UpstreamRequest.builder(URI.create("ws://127.0.0.1:" + port + "/x"));
  }

  @Test
  void dialsFromTheAffinityLoopOfferingTheWholeListAndReportsTheUpstreamsChoice()
      throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (UpstreamPeer peer = UpstreamPeer.start(List.of("v2"), false);
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      EventLoop loop = group.next();
      Counting listener = new Counting(loop);
      WsChannel ch = connector.connect(request(peer.port()).subprotocols(List.of("v1", "v2"))
          .affinity(loop).build(), listener).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals("v2", ch.subprotocol());
      assertTrue(listener.openedOnAffinityLoop, "onOpen ran on the affinity loop");
      UpstreamPeer.Conn up = peer.awaitConnection(AWAIT);
      assertEquals("v1, v2", up.header("Sec-WebSocket-Protocol"));
      up.send("hello");
      assertEquals("hello", listener.text.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS));
      ch.close(1000, "done");
      assertEquals(1000, up.awaitClose(AWAIT).code());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void dialsAHostNameResolvedOffTheEventLoop() throws Exception {
    try (UpstreamPeer peer = UpstreamPeer.start();
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      Counting listener = new Counting(null);
      UpstreamRequest r = UpstreamRequest.builder(
          URI.create("ws://localhost:" + peer.port() + "/named")).build();
      WsChannel ch = connector.connect(r, listener).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
      UpstreamPeer.Conn up = peer.awaitConnection(AWAIT);
      assertEquals("/named", up.resource());
      assertEquals("localhost:" + peer.port(), up.header("Host"), "the Host names what was dialled");
      ch.close(1000, "done");
    }
  }

  @Test
  void failsUnreachableWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      Counting listener = new Counting(null);
      assertEquals(Kind.UNREACHABLE, failure(connector.connect(request(port).build(), listener))
          .kind());
      assertEquals(0, listener.calls.get());
    }
  }

  @Test
  void failsWithTimeoutWhenTheUpstreamNeverAnswersTheUpgrade() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      Counting listener = new Counting(null);
      UpstreamRequest r = request(silent.getLocalPort())
          .connectTimeout(Duration.ofMillis(300)).build();
      assertEquals(Kind.TIMEOUT, failure(connector.connect(r, listener)).kind());
      assertEquals(0, listener.calls.get());
    }
  }

  @Test
  void failsRefusedWithTheUpstreamsStatus() throws Exception {
    try (CannedUpstream up = new CannedUpstream(key ->
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno");
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      UpstreamConnectException e = failure(connector.connect(request(up.port()).build(),
          new Counting(null)));
      assertEquals(Kind.REFUSED, e.kind());
      assertEquals(403, e.httpStatus());
    }
  }

  @Test
  void failsInvalidHandshakeOnAWrongAcceptKey() throws Exception {
    try (CannedUpstream up = new CannedUpstream(key -> "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: d3Jvbmcgd3Jvbmcgd3Jvbmc=\r\n\r\n");
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      assertEquals(Kind.INVALID_HANDSHAKE, failure(connector.connect(request(up.port()).build(),
          new Counting(null))).kind());
    }
  }

  @Test
  void failsInvalidHandshakeWhenTheUpstreamPicksASubprotocolNotOffered() throws Exception {
    try (CannedUpstream up = new CannedUpstream(key -> "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
            + CannedUpstream.accept(key) + "\r\nSec-WebSocket-Protocol: other\r\n\r\n");
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      UpstreamRequest r = request(up.port()).subprotocols(List.of("chat")).build();
      assertEquals(Kind.INVALID_HANDSHAKE, failure(connector.connect(r, new Counting(null)))
          .kind());
    }
  }

  @Test
  void closesAnUpstreamThatSendsAMaskedFrameWith1002() throws Exception {
    String maskedHi = new String(new byte[] {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4,
        (byte) ('h' ^ 1), (byte) ('i' ^ 2)}, StandardCharsets.ISO_8859_1);
    try (CannedUpstream up = new CannedUpstream(key -> "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
            + CannedUpstream.accept(key) + "\r\n\r\n" + maskedHi);
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      Counting listener = new Counting(null);
      connector.connect(request(up.port()).build(), listener)
          .get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(io.wsproxy.CloseCodes.PROTOCOL_ERROR,
          listener.closeCode.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS));
      assertTrue(!listener.text.isDone(), "the masked frame was not delivered");
    }
  }

  @Test
  void cancellingTheDialClosesItsConnectionAndCallsNoListener() throws Exception {
    try (CannedUpstream up = new CannedUpstream(null);
        NettyUpstreamConnector connector = new NettyUpstreamConnector()) {
      Counting listener = new Counting(null);
      CompletableFuture<WsChannel> f = connector.connect(request(up.port()).build(), listener);
      up.requestSeen.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
      f.cancel(true);
      assertTrue(up.closedByPeer.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS),
          "the dial's connection was closed");
      assertEquals(0, listener.calls.get());
    }
  }

  @Test
  void closeRefusesNewDialsAndEndsItsOwnThreads() throws Exception {
    try (UpstreamPeer peer = UpstreamPeer.start()) {
      NettyUpstreamConnector connector = new NettyUpstreamConnector();
      Counting listener = new Counting(null);
      WsChannel ch = connector.connect(request(peer.port()).build(), listener)
          .get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
      connector.close();
      assertEquals(Kind.UNREACHABLE, failure(connector.connect(request(peer.port()).build(),
          new Counting(null))).kind());
      Thread loop = listener.openedOn;
      assertTrue(loop.getName().startsWith("ws-proxy-upstream"), loop.getName());
      assertTrue(loop.isAlive(), "still serving its open connection");
      ch.close(1000, "bye");
      loop.join(AWAIT.toMillis());
      assertTrue(!loop.isAlive(), "the connector's loop ended with its last connection");
    }
  }

  /** A TCP server answering one upgrade with a canned response (none when null). */
  static final class CannedUpstream implements AutoCloseable {
    final CountDownLatch requestSeen = new CountDownLatch(1);
    final CountDownLatch closedByPeer = new CountDownLatch(1);
    private final ServerSocket server;
    private final Thread thread;

    CannedUpstream(java.util.function.Function<String, String> answer) throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      thread = new Thread(() -> serve(answer), "canned-upstream");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve(java.util.function.Function<String, String> answer) {
      try (Socket s = server.accept()) {
        s.setSoTimeout((int) AWAIT.toMillis());
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
          int c = in.read();
          if (c < 0) {
            return;
          }
          head.append((char) c);
        }
        requestSeen.countDown();
        String key = head.toString().lines().filter(l -> l.toLowerCase().startsWith(
            "sec-websocket-key:")).findFirst().orElse(":").split(":", 2)[1].trim();
        if (answer != null) {
          s.getOutputStream().write(answer.apply(key).getBytes(StandardCharsets.ISO_8859_1));
        }
        if (in.read() < 0) {
          closedByPeer.countDown();
        }
      } catch (IOException e) {
        closedByPeer.countDown(); // reset or closed: either way the peer let go
      }
    }

    static String accept(String key) {
      try {
        byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return java.util.Base64.getEncoder().encodeToString(d);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
      thread.join(AWAIT.toMillis());
    }
  }
}
