package io.wsproxy.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.wsproxy.Headers;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * One upstream dial: TCP (and TLS for {@code wss}), the upgrade request with the whole subprotocol
 * offer, and a strict check of the 101 ({@link UpstreamHandshake}); then the pipeline switches to
 * WebSocket framing and the {@link NettyWsChannel} takes over. Failures complete the future with an
 * {@link UpstreamConnectException} of the matching kind; cancelling the future closes what was
 * opened, and no listener method is called for a dial that did not open.
 *
 * <p><b>Threading.</b> Runs on the event loop it was given (for a Netty server, the client's own).
 */
public final class UpstreamDial extends ChannelInboundHandlerAdapter {

  private static final String NAME = "ws-proxy-dial";
  /** Netty's {@code HttpResponseDecoder} limits, which read the upstream's answer before. */
  static final int MAX_STATUS_LINE = 4096;
  static final int MAX_HEADER_BYTES = 8192;

  private final UpstreamRequest request;
  private final WsListener listener;
  private final CompletableFuture<WsChannel> future = new CompletableFuture<>();
  private final UpstreamHandshake handshake;
  private HeadParser response; // the 101 being read; null once read
  private Channel ch;
  private ChannelFuture registered;
  // the dial's deadline: on the client handshake's timer when it shares it, else its own; null
  // once cancelled
  private HandshakeDeadline deadline;
  private boolean done; // loop-confined

  private UpstreamDial(UpstreamRequest request, WsListener listener) {
    this.request = request;
    this.listener = listener;
    this.handshake = new UpstreamHandshake(request);
  }

  /**
   * Starts dialling {@code request.uri()} on {@code loop} with a channel of {@code channelClass}
   * (one {@link Transports#socketChannelClass(EventLoop)} named). {@code onEnd} runs once when the
   * dial failed or was cancelled, or else when the opened connection has ended.
   *
   * @param ssl the TLS context for {@code wss}, or {@code null} when the URI is {@code ws}
   * @param waterMark the outbound buffer marks of the upstream connection
   */
  public static CompletableFuture<WsChannel> start(UpstreamRequest request, WsListener listener,
      EventLoop loop, Class<? extends Channel> channelClass, SslContext ssl,
      WriteBufferWaterMark waterMark, Runnable onEnd) {
    UpstreamDial dial = new UpstreamDial(request, listener);
    dial.future.whenComplete((c, e) -> { // one stage for the cancel and for the end
      if (c != null) {
        ((NettyWsChannel) c).onEnd(onEnd);
        return;
      }
      onEnd.run();
      if (dial.future.isCancelled()) {
        Loops.execute(loop, dial::cancelled);
      }
    });
    if (!Loops.run(loop, () -> dial.connect(loop, channelClass, ssl, waterMark))) {
      dial.future.completeExceptionally(
          UpstreamConnectException.unreachable("the event loop has shut down", null));
    }
    return dial.future;
  }

  private void connect(EventLoop loop, Class<? extends Channel> channelClass, SslContext ssl,
      WriteBufferWaterMark waterMark) {
    if (future.isDone()) {
      return; // cancelled before we started
    }
    URI uri = request.uri();
    String host = uri.getHost();
    int port = UpstreamHandshake.port(uri);
    long connectMillis = Math.max(1, request.connectTimeout().toMillis());
    Runnable timedOut = () -> fail(UpstreamConnectException.timedOut(
        "no upgrade from " + host + ":" + port + " within " + request.connectTimeout()));
    // on the timer of the client's handshake when it dials from that connection's loop, else its own
    deadline = HandshakeDeadline.forDial(loop, TimeUnit.MILLISECONDS.toNanos(connectMillis),
        timedOut);
    InetSocketAddress ip = LiteralAddress.of(host, port);
    if (ip != null) {
      connectTo(ip, loop, channelClass, ssl, waterMark);
      return;
    }
    // a name: the JDK resolver blocks, so it runs off the event loop (its answers are cached)
    CompletableFuture.supplyAsync(() -> {
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new CompletionException(e);
      }
    }, ForkJoinPool.commonPool()).whenComplete((address, error) -> Loops.execute(loop, () -> {
      if (error != null) {
        fail(UpstreamConnectException.unreachable("cannot resolve " + host, error.getCause()));
      } else if (!done) {
        connectTo(new InetSocketAddress(address, port), loop, channelClass, ssl, waterMark);
      }
    }));
  }

  /**
   * The upstream channel for {@code address} (a socket of its family), set up and registered with
   * {@code loop} as Netty's {@code Bootstrap} would do it, without a bootstrap, its options map and
   * its initializer handler per dial.
   */
  private Channel channel(EventLoop loop, Class<? extends Channel> channelClass, SslContext ssl,
      WriteBufferWaterMark waterMark, InetSocketAddress address) {
    Channel c = Transports.newSocketChannel(channelClass, address.getAddress());
    ChannelConfig config = c.config();
    // no connect timeout of Netty's own (its default is 30 s): the dial's timeout, armed first with
    // the same delay, covers the TCP connect and fired first anyway; one timer less per dial
    config.setConnectTimeoutMillis(0);
    // TCP_NODELAY is on already: Netty's socket channels set it when they are made
    config.setWriteBufferWaterMark(waterMark);
    config.setRecvByteBufAllocator(LoopReadBuffer.INSTANCE);
    ChannelPipeline p = c.pipeline();
    if (ssl != null) { // the URI's host, for SNI and the certificate's check
      p.addLast("ws-proxy-tls", ssl.newHandler(c.alloc(), request.uri().getHost(),
          address.getPort()));
    }
    // the request is ours, as bytes, and the answer's head is read here (no HTTP codec)
    p.addLast(NAME, this);
    registered = loop.register(c);
    if (registered.isDone()) { // from the loop itself, as dials are: no listener needed
      registrationDone(registered);
    } else {
      registered.addListener(this::registrationDone);
    }
    return c;
  }

  private void registrationDone(Future<?> f) {
    if (!f.isSuccess()) {
      fail(UpstreamConnectException.unreachable("cannot register the upstream channel: "
          + f.cause(), f.cause()));
    }
  }

  /** Makes the channel, once the address (and so the socket's family) is known, and connects. */
  private void connectTo(InetSocketAddress address, EventLoop loop,
      Class<? extends Channel> channelClass, SslContext ssl, WriteBufferWaterMark waterMark) {
    ch = channel(loop, channelClass, ssl, waterMark, address);
    connectTo(address);
  }

  private void connectTo(InetSocketAddress address) {
    if (!registered.isDone()) { // registration from the loop itself is done at once
      registered.addListener(f -> {
        if (f.isSuccess() && !done) {
          connectTo(address);
        }
      });
      return;
    }
    if (!registered.isSuccess()) {
      return; // failed: its listener failed the dial
    }
    ChannelFuture connect = ch.connect(address);
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        Throwable cause = f.cause();
        fail(UpstreamConnectException.unreachable("cannot connect to " + address + ": " + cause,
            cause));
      }
    });
  }

  private void cancelled() {
    done = true;
    cancelTimeout();
    if (ch != null) {
      ch.close();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    response = new HeadParser(false, MAX_STATUS_LINE, MAX_HEADER_BYTES);
    // no promise: a write that fails reaches exceptionCaught, which fails the dial
    ctx.writeAndFlush(handshake.request(ctx.alloc()), ctx.voidPromise());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done || response == null || !(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg); // what follows a failure
      return;
    }
    HeadParser.Head head;
    try {
      head = response.parse(in, ctx.alloc());
    } catch (HeadParser.Failure e) {
      in.release();
      fail(UpstreamConnectException.invalidHandshake("unreadable upgrade response: "
          + e.getMessage()));
      return;
    }
    if (head == null) {
      in.release(); // all taken: a cut line is held by the parser
      return;
    }
    response = null;
    UpstreamConnectException invalid = handshake.check(head);
    if (invalid != null) {
      in.release();
      fail(invalid);
      return;
    }
    opened(ctx, head.headers(), in);
  }

  /** Opens the WebSocket; {@code rest} (the bytes behind the 101) goes on to its frame reader. */
  private void opened(ChannelHandlerContext ctx, Headers headers, ByteBuf rest) {
    done = true;
    cancelTimeout();
    if (future.isDone()) { // cancelled meanwhile
      rest.release();
      ch.close();
      return;
    }
    String subprotocol = headers.first("Sec-WebSocket-Protocol").orElse(null);
    NettyWsChannel ws = new NettyWsChannel(ch, true, subprotocol == null ? null : subprotocol.trim(),
        request.closeTimeout(), request.maxFrameSize(), request.maxMessageSize());
    ChannelPipeline p = ctx.pipeline();
    p.addBefore(NAME, "ws-proxy-encoder", MaskingFrameEncoder.INSTANCE);
    p.addAfter(NAME, FrameReader.NAME, ws.handler()); // our decoder, right behind TLS
    ws.open(listener);
    if (!future.complete(ws)) {
      ws.close(io.wsproxy.CloseCodes.GOING_AWAY, "Dial cancelled"); // the listener hears onClose
    }
    // bytes that came right behind the 101, once the listener is there
    if (rest.isReadable()) {
      ctx.fireChannelRead(rest);
    } else {
      rest.release();
    }
    p.remove(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (response != null) {
      response.release();
    }
    fail(UpstreamConnectException.unreachable("the upstream closed the connection during the upgrade",
        null));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(UpstreamConnectException.unreachable("upgrade failed: " + cause, cause));
  }

  private void fail(UpstreamConnectException e) {
    if (done) {
      return;
    }
    done = true;
    cancelTimeout();
    future.completeExceptionally(e);
    if (ch != null) {
      ch.close();
    }
  }

  private void cancelTimeout() {
    if (deadline != null) {
      deadline.cancelDial();
      deadline = null;
    }
  }
}
