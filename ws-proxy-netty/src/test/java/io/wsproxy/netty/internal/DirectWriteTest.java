package io.wsproxy.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectWrite}: a data frame sent on the loop with nothing queued goes straight to the
 * socket; anything else goes through Netty's outbound buffer; and either way the peer reads every
 * frame whole and in order, also when the socket was full. Real epoll sockets on loopback; the peer
 * is a plain socket that reads frames by hand.
 */
class DirectWriteTest {

  private static final Duration AWAIT = Duration.ofSeconds(10);

  private EventLoopGroup group;
  private ServerSocket listener;
  private Socket peer;
  private Channel ch;
  private NettyWsChannel ws;
  private final CountDownLatch closed = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    assumeTrue(Transports.EPOLL, "the native epoll transport does not load here");
    group = Transports.newGroup(1, "direct-write-test");
    listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws IOException {
    if (peer != null) {
      peer.close();
    }
    if (listener != null) {
      listener.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(5_000);
    }
  }

  @Test
  void aFrameSentOnTheLoopWithNothingQueuedIsOnTheWireBeforeTheSendReturns() throws Exception {
    open(false, false, 0);
    long queued = onLoop(() -> {
      DirectWrite.local().newTurn();
      ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      return ws.queuedBytes();
    });
    assertEquals(0, queued, "nothing left for a flush: the frame went to the socket");
    assertArrayEquals(new byte[] {1, 2, 3}, readFrame(false));
  }

  @Test
  void theSecondFrameOfOneTurnQueuesBehindTheFirstAndBothArriveInOrder() throws Exception {
    open(false, false, 0);
    long[] queued = onLoop(() -> {
      DirectWrite.local().newTurn();
      ws.sendText(io.wsproxy.spi.Text.of("first"));
      long afterFirst = ws.queuedBytes();
      ws.sendText(io.wsproxy.spi.Text.of("second"));
      return new long[] {afterFirst, ws.queuedBytes()};
    });
    assertEquals(0, queued[0], "the first frame of the turn went straight");
    assertTrue(queued[1] > 0, "the second waits for the turn's one flush: " + queued[1]);
    assertEquals("first", new String(readFrame(false), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("second", new String(readFrame(false), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aClientLegsFrameSentStraightIsMaskedAndReadsBackIntact() throws Exception {
    open(true, false, 0);
    byte[] payload = new byte[300];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 7);
    }
    long queued = onLoop(() -> {
      DirectWrite.local().newTurn();
      ws.sendBinary(ByteBuffer.wrap(payload));
      return ws.queuedBytes();
    });
    assertEquals(0, queued);
    assertArrayEquals(payload, readFrame(true));
  }

  @Test
  void framesGoThroughThePipelineWhenAHandlerSitsBetweenTheEncoderAndTheSocket() throws Exception {
    open(false, true, 0);
    assertNull(onLoop(() -> DirectWrite.socket(ch,
        ch.pipeline().context(WebSocket13FrameEncoder.class))));
    long queued = onLoop(() -> {
      DirectWrite.local().newTurn();
      ws.sendBinary(ByteBuffer.wrap(new byte[] {9}));
      return ws.queuedBytes();
    });
    assertTrue(queued > 0, "queued for the flush, as every write through the pipeline");
    assertArrayEquals(new byte[] {9}, readFrame(false));
  }

  @Test
  void anNioChannelHasNoSocketToSendTo() {
    NioSocketChannel nio = new NioSocketChannel();
    try {
      nio.pipeline().addLast(new WebSocket13FrameEncoder(false));
      assertNull(DirectWrite.socket(nio, nio.pipeline().context(WebSocket13FrameEncoder.class)));
    } finally {
      nio.unsafe().closeForcibly();
    }
  }

  @Test
  void whatAFullSocketDoesNotTakeQueuesAndEveryFrameArrivesWholeAndInOrder() throws Exception {
    open(false, false, 4096);
    assertNotNull(onLoop(() -> DirectWrite.socket(ch,
        ch.pipeline().context(WebSocket13FrameEncoder.class))));
    // one frame per turn, as a relay sends what each read brought, until the socket is full
    int frames = 0;
    boolean leftQueued = false;
    for (; frames < 2_000 && !leftQueued; frames++) {
      int seq = frames;
      leftQueued = onLoop(() -> {
        DirectWrite.local().newTurn();
        ws.sendBinary(ByteBuffer.wrap(payload(seq)));
        return ws.queuedBytes() > 0;
      });
    }
    assertTrue(leftQueued, "the peer reads nothing: the socket fills within 2,000 frames of 8 KiB");
    for (int more = frames + 20; frames < more; frames++) { // behind what is queued
      int seq = frames;
      onLoop(() -> {
        DirectWrite.local().newTurn();
        return ws.sendBinary(ByteBuffer.wrap(payload(seq)));
      });
    }
    for (int i = 0; i < frames; i++) {
      assertArrayEquals(payload(i), readFrame(false), "frame " + i);
    }
  }

  @Test
  void aSendToAPeerThatResetItsConnectionClosesTheChannelAndThrowsNothing() throws Exception {
    open(false, false, 0);
    peer.setSoLinger(true, 0);
    peer.close(); // a reset
    peer = null;
    // until the reset is seen: a send to a reset socket fails and the channel closes
    for (int i = 0; i < 1_000 && closed.getCount() > 0; i++) {
      onLoop(() -> {
        DirectWrite.local().newTurn();
        return ws.sendBinary(ByteBuffer.wrap(new byte[64]));
      });
    }
    assertTrue(closed.await(AWAIT.toSeconds(), TimeUnit.SECONDS), "the channel closed");
  }

  // ------------------------------------------------------------------------------------------

  /** 8 KiB: the sequence number, then bytes that depend on it. */
  private static byte[] payload(int seq) {
    byte[] b = new byte[8 * 1024];
    ByteBuffer.wrap(b).putInt(seq);
    for (int i = 4; i < b.length; i++) {
      b[i] = (byte) (seq * 31 + i);
    }
    return b;
  }

  /**
   * Connects an epoll channel to the peer and makes it a WebSocket leg: the client's (masked
   * frames) or the server's; with an outbound handler in front of the encoder when {@code
   * handlerInFront}; with that send buffer when {@code sendBuffer > 0}.
   */
  private void open(boolean clientLeg, boolean handlerInFront, int sendBuffer) throws Exception {
    Bootstrap b = new Bootstrap().group(group).channel(Transports.socketChannelClass(group))
        .handler(new ChannelInboundHandlerAdapter());
    if (sendBuffer > 0) {
      b.option(ChannelOption.SO_SNDBUF, sendBuffer);
    }
    ch = b.connect(listener.getLocalSocketAddress()).sync().channel();
    peer = listener.accept();
    peer.setReceiveBufferSize(4096);
    peer.setSoTimeout((int) AWAIT.toMillis());
    onLoop(() -> {
      ch.pipeline().remove(ChannelInboundHandlerAdapter.class);
      if (handlerInFront) {
        ch.pipeline().addLast(new ChannelOutboundHandlerAdapter());
      }
      ch.pipeline().addLast(clientLeg ? MaskingFrameEncoder.INSTANCE
          : new WebSocket13FrameEncoder(false));
      ws = new NettyWsChannel(ch, clientLeg, null, Duration.ofSeconds(5), 1 << 20, 1 << 20);
      ch.pipeline().addLast(FrameReader.NAME, ws.handler());
      ws.open(new WsListener() {
        @Override
        public void onClose(WsChannel channel, int code, String reason, boolean remote) {
          closed.countDown();
        }
      });
      return null;
    });
    ch.closeFuture().addListener(f -> closed.countDown());
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return ch.eventLoop().submit(task).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Reads one whole data frame from the peer's socket: its payload, unmasked. */
  private byte[] readFrame(boolean masked) throws IOException {
    DataInputStream in = new DataInputStream(peer.getInputStream());
    int b0 = in.readUnsignedByte();
    assertEquals(0x80, b0 & 0xF0, "FIN, no RSV bits");
    int b1 = in.readUnsignedByte();
    assertEquals(masked, (b1 & 0x80) != 0, "mask bit");
    long len = b1 & 0x7F;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    byte[] key = new byte[4];
    if (masked) {
      in.readFully(key);
    }
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= key[i & 3];
    }
    return payload;
  }
}
