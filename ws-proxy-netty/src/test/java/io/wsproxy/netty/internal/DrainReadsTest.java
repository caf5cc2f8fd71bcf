package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.wsproxy.CloseCodes;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.RejectionMode;
import io.wsproxy.conformance.HttpHead;
import io.wsproxy.netty.NettyEndpointServer;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * After {@link NettyWsChannel#fail} (here a 1009), the server side stops decoding: its
 * {@link FrameReader} drains, and whatever the client sends next is read and released without a
 * frame event or an exception, until the client closes or the close timer cuts it. Over a real socket to a {@link NettyEndpointServer}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DrainReadsTest {

  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final int LIMIT = 1024; // frame and message size of these connections
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<NettyWsChannel> opened = new CompletableFuture<>();
  private final CountDownLatch ended = new CountDownLatch(1);

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  static Stream<Arguments> overTheLimit() {
    byte[] half = new byte[LIMIT / 2 + 1];
    return Stream.of(
        Arguments.of("a message over the limit in two fragments", frames(
            new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(half)),
            new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(half)))),
        Arguments.of("a frame over the limit",
            frames(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[LIMIT + 1])))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overTheLimit")
  void stopsDecodingAfterA1009AndEndsWhenTheClientCloses(String what, byte[] offending)
      throws Exception {
    Socket s = upgraded(Duration.ofSeconds(30)); // the end must come from the client's FIN
    NettyWsChannel ws = opened.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    ws.onEnd(ended::countDown);
    OutputStream out = s.getOutputStream();
    // the rest of the read that fails is dropped too: the decoder hands it over as it goes
    out.write(concat(offending, tinyFragments(true, 1_000)));
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, readCloseCode(s.getInputStream()), what);
    assertDraining(ws);

    out.write(tinyFragments(false, 10_000)); // a client flooding fragments after its 1009
    out.write(garbage(64 * 1024));
    s.shutdownOutput();
    assertTrue(ended.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS), "ends at the client's FIN");
    // nothing decoded after it: no message, ping or error (the flood would have been 1002 or 1009)
    assertEquals(List.of("close " + CloseCodes.MESSAGE_TOO_BIG), events, what);
  }

  @Test
  void aFailedConnectionWhoseClientNeverClosesIsCutByTheCloseTimer() throws Exception {
    Socket s = upgraded(Duration.ofMillis(300));
    NettyWsChannel ws = opened.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    ws.onEnd(ended::countDown);
    s.getOutputStream().write(frames(
        new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[LIMIT + 1]))));
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, readCloseCode(s.getInputStream()));
    assertDraining(ws);
    s.getOutputStream().write(tinyFragments(true, 1_000)); // and then nothing, and no FIN
    assertTrue(ended.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS), "cut by the close timer");
    assertEquals(List.of("close " + CloseCodes.MESSAGE_TOO_BIG), events);
  }

  // ---------------------------------------------------------------- helpers

  private void assertDraining(NettyWsChannel ws) throws Exception {
    onLoop(ws, () -> {
      ChannelPipeline p = ws.channel().pipeline();
      assertNull(p.get(WebSocketFrameDecoder.class), "no Netty frame decoder: " + p.names());
      assertNull(p.get(Utf8FrameValidator.class), "no UTF-8 validator: " + p.names());
      assertSame(ws.handler(), p.get(FrameReader.NAME), "the reader hears the end: " + p.names());
      assertTrue(ws.handler().draining(), "it releases what is read");
      assertTrue(ws.channel().config().isAutoRead(), "and reads on, to see the FIN");
      return null;
    });
  }

  private static <T> T onLoop(NettyWsChannel ws, java.util.concurrent.Callable<T> task)
      throws Exception {
    return ws.channel().eventLoop().submit(task).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A server whose one endpoint records its connection's events; then an upgraded socket. */
  private Socket upgraded(Duration closeTimeout) throws Exception {
    Limits limits = Limits.builder().maxFrameSize(LIMIT).maxMessageSize(LIMIT)
        .closeTimeout(closeTimeout).keepaliveInterval(Duration.ZERO).build();
    NettyEndpointServer server = NettyEndpointServer.builder(new Recording(limits))
        .eventLoopThreads(1).start(new InetSocketAddress("127.0.0.1", 0));
    open.add(server);
    Socket s = new Socket();
    open.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) AWAIT.toMillis());
    s.setSoTimeout((int) AWAIT.toMillis());
    s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    String head = HttpHead.read(s.getInputStream());
    assertTrue(head.startsWith("HTTP/1.1 101"), head);
    return s;
  }

  /** Reads the server's frame (a close, short and unmasked) and answers its code. */
  private static int readCloseCode(InputStream in) throws IOException {
    byte[] header = in.readNBytes(2);
    assertEquals(2, header.length, "a frame");
    assertEquals(0x88, header[0] & 0xff, "a close frame");
    byte[] payload = in.readNBytes(header[1] & 0x7f);
    return (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
  }

  /**
   * {@code n} masked one-byte fragments of a message that never ends, valid to a decoder that is
   * still decoding: the first opens the message ({@code opens}) or all continue it.
   */
  private static byte[] tinyFragments(boolean opens, int n) {
    WebSocketFrame[] f = new WebSocketFrame[n];
    for (int i = 0; i < n; i++) {
      f[i] = opens && i == 0
          ? new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {'x'}))
          : new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {'x'}));
    }
    return frames(f);
  }

  private static byte[] garbage(int n) {
    byte[] b = new byte[n];
    new Random(11).nextBytes(b);
    return b;
  }

  /** {@code frames} as a client sends them: masked. */
  private static byte[] frames(WebSocketFrame... frames) {
    EmbeddedChannel encoder = new EmbeddedChannel(MaskingFrameEncoder.INSTANCE);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (WebSocketFrame f : frames) {
      encoder.writeOutbound(f);
    }
    ByteBuf b;
    while ((b = encoder.readOutbound()) != null) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      wire.writeBytes(bytes);
      b.release();
    }
    encoder.finishAndReleaseAll();
    return wire.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
  }

  /** Accepts every upgrade; records the channel and its events. */
  private final class Recording implements WsEndpoint {
    private final Limits limits;

    Recording(Limits limits) {
      this.limits = limits;
    }

    @Override
    public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
      HandshakeDecision.Accept accept = new HandshakeDecision.Accept(request, "127.0.0.1",
          Principal.ANONYMOUS, null, null, Headers.EMPTY);
      return PendingHandshake.decided(accept, client -> {
        opened.complete((NettyWsChannel) client);
        return new WsListener() {
          @Override
          public void onText(WsChannel channel, Text text) {
            events.add("text");
          }

          @Override
          public void onBinary(WsChannel channel, ByteBuffer data) {
            events.add("binary");
          }

          @Override
          public void onPing(WsChannel channel, ByteBuffer data) {
            events.add("ping");
          }

          @Override
          public void onError(WsChannel channel, Throwable error) {
            events.add("error " + error);
          }

          @Override
          public void onClose(WsChannel channel, int code, String reason, boolean remote) {
            events.add("close " + code);
          }
        };
      });
    }

    @Override
    public Limits limits() {
      return limits;
    }

    @Override
    public RejectionMode rejectionMode() {
      return RejectionMode.HTTP_STATUS;
    }
  }
}
