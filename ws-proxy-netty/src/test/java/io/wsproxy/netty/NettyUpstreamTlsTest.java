package io.wsproxy.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.handler.ssl.SslContextBuilder;
import io.wsproxy.conformance.SelfSignedTls;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://} upstreams through the Netty connector: every frame it writes (whole data frames
 * written below the frame encoder, control and close frames through it) must go through the TLS
 * handler, and a certificate it does not trust must fail the dial. The upstream is a
 * Java-WebSocket echo server with a self-signed key.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyUpstreamTlsTest {

  private static final long WAIT = 10;

  @TempDir
  Path dir;
  private SelfSignedTls tls;
  private EchoServer server;

  /** Echoes every message; records the close code it receives. */
  static final class EchoServer extends WebSocketServer {
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final CountDownLatch started = new CountDownLatch(1);

    EchoServer() {
      super(new InetSocketAddress("127.0.0.1", 0));
      setReuseAddr(true);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {}

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      closeCode.complete(code);
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      conn.send(message);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
      conn.send(message);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {}

    @Override
    public void onStart() {
      started.countDown();
    }
  }

  /** Collects what the upstream sends back. */
  static final class Received implements WsListener {
    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    @Override
    public void onText(WsChannel channel, Text text) {
      messages.add(text.asString());
    }

    @Override
    public void onBinary(WsChannel channel, ByteBuffer data) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      messages.add(bytes);
    }

    @Override
    public void onClose(WsChannel channel, int code, String reason, boolean remote) {
      closeCode.complete(code);
    }

    Object next() throws InterruptedException {
      Object m = messages.poll(WAIT, TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("no message within " + WAIT + " s");
      }
      return m;
    }
  }

  @BeforeEach
  void start() throws Exception {
    tls = SelfSignedTls.create(dir.resolve("upstream.p12"));
    server = new EchoServer();
    server.setWebSocketFactory(new DefaultSSLWebSocketServerFactory(tls.serverContext()));
    server.start();
    if (!server.started.await(WAIT, TimeUnit.SECONDS)) {
      throw new AssertionError("the wss echo server did not start");
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.stop(1000);
  }

  private UpstreamRequest request() {
    return UpstreamRequest.builder(URI.create("wss://127.0.0.1:" + server.getPort() + "/echo"))
        .build();
  }

  @Test
  void relaysTextSmallAndLargeBinaryAndAPingOverTlsAndClosesWithTheCode() throws Exception {
    NettyUpstreamConnector.Builder b = NettyUpstreamConnector.builder()
        .sslContext(SslContextBuilder.forClient().trustManager(tls.trust()).build());
    try (NettyUpstreamConnector connector = b.build()) {
      Received received = new Received();
      WsChannel ch = connector.connect(request(), received).get(WAIT, TimeUnit.SECONDS);
      byte[] large = new byte[1 << 20];
      new Random(42).nextBytes(large);
      ch.sendText(Text.of("secret"));
      ch.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      ch.sendPing(ByteBuffer.wrap(new byte[] {9}));
      ch.sendBinary(ByteBuffer.wrap(large));
      ch.sendText(Text.of("after"));
      assertEquals("secret", received.next());
      assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) received.next());
      assertArrayEquals(large, (byte[]) received.next(), "1 MiB masked over TLS, intact");
      assertEquals("after", received.next());
      ch.close(4001, "done");
      assertEquals(4001, server.closeCode.get(WAIT, TimeUnit.SECONDS));
      assertEquals(4001, received.closeCode.get(WAIT, TimeUnit.SECONDS));
    }
  }

  @Test
  void failsTheDialToAnUpstreamWhoseCertificateItDoesNotTrust() throws Exception {
    try (NettyUpstreamConnector connector = new NettyUpstreamConnector()) { // the JDK's trust
      Received received = new Received();
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
          ExecutionException.class,
          () -> connector.connect(request(), received).get(WAIT, TimeUnit.SECONDS));
      assertInstanceOf(UpstreamConnectException.class, e.getCause());
      assertEquals(0, received.messages.size());
    }
  }
}
