package io.wsproxy.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.wsproxy.Limits;
import io.wsproxy.netty.internal.AcceptErrors;
import io.wsproxy.netty.internal.Framing;
import io.wsproxy.netty.internal.LoopReadBuffer;
import io.wsproxy.netty.internal.PendingSockets;
import io.wsproxy.netty.internal.PlainHttpHandler;
import io.wsproxy.netty.internal.RequestHeadDecoder;
import io.wsproxy.netty.internal.Transports;
import io.wsproxy.spi.WsEndpoint;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ready WebSocket server on Netty for a {@code WebSocketProxy}, a {@code Gateway} or any
 * {@link WsEndpoint}: every WebSocket upgrade goes to the endpoint (see {@link WsProxyHandler});
 * {@code GET /healthz} answers 200 "ok" while the server accepts; any other plain HTTP request
 * gets 426 with a one-line body. A connection that sends no request head within the endpoint's
 * handshake timeout is closed. Every connection counts against the endpoint's
 * {@code maxPendingHandshakes} from accept until its upgrade is answered; one accepted over that cap
 * is answered 503 at once.
 *
 * <pre>{@code
 * NettyEndpointServer server = NettyEndpointServer.start(new InetSocketAddress("0.0.0.0", 8080), proxy);
 * // shutdown: proxy.close() (open connections get 1001), then server.close()
 * }</pre>
 *
 * <p>It runs on the native epoll transport where the platform has it, else on NIO, with one event
 * loop per core by default; a {@link NettyUpstreamConnector} dials each upstream from its client's
 * loop.
 *
 * <p><b>Threading.</b> Thread-safe. {@link #close()} blocks until the event loops have stopped.
 *
 * <p><b>Fatal errors.</b> An {@link OutOfMemoryError} or other {@link VirtualMachineError} that
 * reaches a connection's or the listening socket's pipeline is handed, once, to the
 * {@link Builder#fatalErrorHandler fatal-error handler}, on the event loop that caught it. The
 * default logs one ERROR line, closes this server (on a new thread) and passes the error to the JVM's
 * default uncaught-exception handler if one is set, so a host that exits on fatal errors there (as
 * the CLI does) exits. A library does not end its host's process by default: see the embedding
 * advice in {@code docs/SECURITY.md}.
 */
public final class NettyEndpointServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NettyEndpointServer.class);

  /** Default accept backlog. */
  public static final int DEFAULT_BACKLOG = 1024;
  /** Longest a graceful shutdown of the event loops may take. */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  /** Longest initial request line. */
  static final int MAX_INITIAL_LINE = 8 * 1024;
  /** Over the header-byte limit the request decoder counts separators and line ends too. */
  static final int HEADER_SLACK = 4 * 1024;

  private final EventLoopGroup group;
  private final Channel serverChannel;
  private volatile boolean accepting = true;
  /** Every accepted connection while it is open, so that close() can wait for their handshakes. */
  private final io.netty.channel.group.ChannelGroup children =
      new io.netty.channel.group.DefaultChannelGroup(
          io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
  private final java.time.Duration closeTimeout;

  private NettyEndpointServer(Builder b, InetSocketAddress address)
      throws IOException, InterruptedException {
    WsEndpoint endpoint = b.endpoint;
    Limits limits = endpoint.limits();
    this.closeTimeout = limits.closeTimeout();
    WsProxyHandler ws = new WsProxyHandler(endpoint, path -> true, b.highWaterMark);
    PlainHttpHandler plain = new PlainHttpHandler(() -> accepting);
    PendingSockets pending = new PendingSockets(limits.maxPendingHandshakes());
    FatalErrors fatal = new FatalErrors(b.fatalErrorHandler != null ? b.fatalErrorHandler
        : this::defaultFatalError);
    int maxHeaderBytes = limits.maxHandshakeHeaderBytes() + HEADER_SLACK;
    this.group = Transports.newGroup(b.threads, "ws-proxy-netty");
    try {
      ServerBootstrap sb = new ServerBootstrap()
          .group(group)
          .channel(Transports.serverChannelClass(group))
          .option(ChannelOption.SO_BACKLOG, b.backlog)
          .option(ChannelOption.SO_REUSEADDR, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast("fatal", fatal).addLast("accept-errors", new AcceptErrors());
            }
          })
          // no childOption(TCP_NODELAY): Netty's socket channels turn it on when they are made, and
          // setting it again was one more setsockopt per accepted connection
          .childOption(ChannelOption.RCVBUF_ALLOCATOR, LoopReadBuffer.INSTANCE)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              children.add(ch); // removed by the group itself when the channel closes
              // our own request decoder (it leaves after the one request head a connection has)
              // and Netty's response encoder for refusals and plain answers (the 101 is bytes)
              ch.pipeline().addLast("http", new HttpResponseEncoder())
                  .addLast("http-request", new RequestHeadDecoder(MAX_INITIAL_LINE, maxHeaderBytes,
                      limits.handshakeTimeout())) // which closes a connection without a head
                  .addLast("pending", pending.handler())
                  .addLast("ws-proxy", ws)
                  .addLast("fatal", fatal) // after the WebSocket handlers, which forward fatal errors
                  .addLast("plain", plain);
            }
          });
      ChannelFuture bound = sb.bind(address).await();
      if (!bound.isSuccess()) {
        BindException be = new BindException("cannot bind " + address + ": "
            + bound.cause().getMessage());
        be.initCause(bound.cause());
        throw be;
      }
      this.serverChannel = bound.channel();
    } catch (IOException | InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
    log.info("ws-proxy listening on {} (Netty, {})", serverChannel.localAddress(),
        serverChannel.getClass().getSimpleName());
  }

  /** Starts a server with the defaults on {@code address}, serving {@code endpoint}. */
  public static NettyEndpointServer start(InetSocketAddress address, WsEndpoint endpoint)
      throws IOException, InterruptedException {
    return builder(endpoint).start(address);
  }

  /** A builder of a server for {@code endpoint}. */
  public static Builder builder(WsEndpoint endpoint) {
    return new Builder(endpoint);
  }

  /** The bound address (with the real port when bound to port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** The bound port. */
  public int port() {
    return address().getPort();
  }

  /**
   * Stops accepting (health checks answer 503), closes the listening socket, waits up to the
   * endpoint's close timeout for the open connections to finish their closing handshakes, and shuts
   * the event loops down gracefully, which cuts what is still open. Close the endpoint first, so
   * that its connections get a close frame (1001) and can end cleanly. Idempotent.
   */
  @Override
  public void close() {
    if (!accepting) {
      return;
    }
    accepting = false;
    serverChannel.close().awaitUninterruptibly();
    // a client answering our close (or a close still being written) ends on its own: give it time
    children.newCloseFuture().awaitUninterruptibly(closeTimeout.toMillis());
    group.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis() * 2);
  }

  /** Log, close (not on an event loop: close waits for them), and tell the JVM's handler. */
  private void defaultFatalError(Throwable error) {
    try {
      log.error("fatal error in the Netty server on {} ({}); closing it", serverChannel == null
          ? "(starting)" : serverChannel.localAddress(), error.toString());
    } finally {
      Thread closer = new Thread(this::close, "ws-proxy-netty-fatal-close");
      closer.setDaemon(true);
      closer.start();
      Thread.UncaughtExceptionHandler jvm = Thread.getDefaultUncaughtExceptionHandler();
      if (jvm != null) {
        jvm.uncaughtException(Thread.currentThread(), error);
      }
    }
  }

  /**
   * Hands the first {@link VirtualMachineError} any pipeline reports to the handler; passes every
   * exception on to the next handler. Netty catches what a handler throws and reports it as
   * {@code exceptionCaught}, so without this an out-of-memory error only closes one connection and
   * the process runs on, degraded.
   */
  @ChannelHandler.Sharable
  private static final class FatalErrors extends ChannelInboundHandlerAdapter {
    private final Consumer<? super Throwable> handler;
    private final AtomicBoolean reported = new AtomicBoolean();

    FatalErrors(Consumer<? super Throwable> handler) {
      this.handler = handler;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof VirtualMachineError && reported.compareAndSet(false, true)) {
        handler.accept(cause);
      }
      ctx.fireExceptionCaught(cause);
    }
  }

  /** Builds a {@link NettyEndpointServer}. Not thread-safe; setters validate and name the field. */
  public static final class Builder {
    private final WsEndpoint endpoint;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int backlog = DEFAULT_BACKLOG;
    private int highWaterMark = Framing.DEFAULT_HIGH_WATER_MARK;
    private Consumer<? super Throwable> fatalErrorHandler; // null: the default

    private Builder(WsEndpoint endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** Event loop threads (default: one per core); each serves its connections start to end. */
    public Builder eventLoopThreads(int threads) {
      this.threads = Framing.atLeast("eventLoopThreads", threads, 1);
      return this;
    }

    /** The listening socket's accept backlog (default {@value #DEFAULT_BACKLOG}). */
    public Builder backlog(int backlog) {
      this.backlog = Framing.atLeast("backlog", backlog, 1);
      return this;
    }

    /**
     * High-water mark of each client connection's outbound buffer (default 256 KiB, capped by the
     * endpoint's {@code maxQueuedBytes}); see {@link WsProxyHandler}.
     */
    public Builder writeBufferHighWaterMark(int bytes) {
      this.highWaterMark = Framing.atLeast("writeBufferHighWaterMark", bytes, 2);
      return this;
    }

    /**
     * Who hears an {@link OutOfMemoryError} or other {@link VirtualMachineError} caught in the
     * server's pipelines (once, on the event loop; keep it short and do not block). The default logs
     * one ERROR line, closes the server and passes the error to the JVM's default uncaught-exception
     * handler if one is set. A standalone process should end itself here, e.g.
     * {@code error -> Runtime.getRuntime().halt(70)}, so that its supervisor restarts it.
     */
    public Builder fatalErrorHandler(Consumer<? super Throwable> handler) {
      this.fatalErrorHandler = Objects.requireNonNull(handler, "fatalErrorHandler");
      return this;
    }

    /**
     * Binds {@code address} and starts serving; blocks until bound.
     *
     * @throws BindException when the address cannot be bound (in use, not local)
     */
    public NettyEndpointServer start(InetSocketAddress address)
        throws IOException, InterruptedException {
      return new NettyEndpointServer(this, Objects.requireNonNull(address, "address"));
    }
  }
}
