package io.wsproxy.netty;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.wsproxy.netty.internal.Framing;
import io.wsproxy.netty.internal.Transports;
import io.wsproxy.netty.internal.UpstreamDial;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * An {@link UpstreamConnector} on Netty. When the request's {@linkplain UpstreamRequest#affinity()
 * affinity} is a Netty event loop (the client channel's, from a Netty server transport), the
 * upstream is dialled from that same loop, so a relayed message crosses no thread; otherwise it
 * runs on the connector's own event loops, started on first use.
 *
 * <p>Each dial offers the request's whole subprotocol list and checks the 101 strictly (accept key,
 * a subprotocol that was offered, no extension). Failures are {@link UpstreamConnectException}s:
 * {@code UNREACHABLE}, {@code TIMEOUT} (TCP connect plus upgrade over the connect timeout),
 * {@code REFUSED} with the upstream's status, {@code INVALID_HANDSHAKE}. Frames and messages from
 * the upstream are limited by the request (1009 beyond); masked upstream frames are a protocol
 * error (1002); invalid UTF-8 is 1007. Reading pauses for real (auto-read off).
 *
 * <p><b>Threading.</b> Thread-safe; {@link #connect} never blocks. {@link #close()} makes new dials
 * fail at once and shuts the connector's own loops down once the connections it opened have ended.
 */
public final class NettyUpstreamConnector implements UpstreamConnector {

  private final int threads;
  /** The outbound buffer marks of every upstream connection (immutable, so shared). */
  private final WriteBufferWaterMark waterMark;
  /** Runs once per dial: when it failed or was cancelled, or when its connection ended. */
  private final Runnable ended = this::ended;
  private final SslContext ssl;
  private final AtomicInteger live = new AtomicInteger();
  private volatile boolean closed;
  private EventLoopGroup ownGroup; // guarded by this; created on the first dial without affinity
  private boolean ownGroupShutDown; // guarded by this
  private SslContext defaultSsl; // guarded by this; built on the first wss dial

  /** A connector with the defaults. */
  public NettyUpstreamConnector() {
    this(builder());
  }

  private NettyUpstreamConnector(Builder b) {
    this.threads = b.threads;
    this.waterMark = new WriteBufferWaterMark(b.highWaterMark / 2, b.highWaterMark);
    this.ssl = b.ssl;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    if (closed) {
      return CompletableFuture.failedFuture(
          UpstreamConnectException.unreachable("the connector is closed", null));
    }
    SslContext tls = null;
    if ("wss".equalsIgnoreCase(request.uri().getScheme())) {
      try {
        tls = ssl != null ? ssl : defaultSsl();
      } catch (SSLException e) {
        return CompletableFuture.failedFuture(
            UpstreamConnectException.unreachable("TLS is not available: " + e, e));
      }
    }
    EventLoop loop = null;
    Class<? extends Channel> type = null;
    if (request.affinity() instanceof EventLoop affine) {
      type = Transports.socketChannelClass(affine);
      loop = type == null ? null : affine;
    }
    boolean own = loop == null;
    if (own) {
      EventLoopGroup g = ownGroup();
      if (g == null) {
        return CompletableFuture.failedFuture(
            UpstreamConnectException.unreachable("the connector is closed", null));
      }
      loop = g.next();
      type = Transports.socketChannelClass(g);
    }
    live.incrementAndGet();
    return UpstreamDial.start(request, listener, loop, type, tls, waterMark, ended);
  }

  /**
   * {@code true}: each dial arms its own timer for the request's connect timeout, which fails it
   * with a TIMEOUT.
   */
  @Override
  public boolean timesOutDials() {
    return true;
  }

  private synchronized SslContext defaultSsl() throws SSLException {
    if (defaultSsl == null) {
      defaultSsl = SslContextBuilder.forClient().build();
    }
    return defaultSsl;
  }

  private synchronized EventLoopGroup ownGroup() {
    if (ownGroupShutDown) {
      return null;
    }
    if (ownGroup == null) {
      ownGroup = Transports.newGroup(threads, "ws-proxy-upstream");
    }
    return ownGroup;
  }

  private void ended() {
    if (live.decrementAndGet() == 0 && closed) {
      shutDownOwnGroup();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (live.get() == 0) {
      shutDownOwnGroup();
    }
  }

  private synchronized void shutDownOwnGroup() {
    if (ownGroupShutDown) {
      return;
    }
    ownGroupShutDown = true;
    if (ownGroup != null) {
      ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
  }

  /** Builds a {@link NettyUpstreamConnector}. Not thread-safe; setters validate and name the field. */
  public static final class Builder {
    private int threads = Runtime.getRuntime().availableProcessors();
    private int highWaterMark = Framing.DEFAULT_HIGH_WATER_MARK;
    private SslContext ssl;

    private Builder() {}

    /** Threads of the connector's own loops, used for dials without a Netty affinity. */
    public Builder eventLoopThreads(int threads) {
      this.threads = Framing.atLeast("eventLoopThreads", threads, 1);
      return this;
    }

    /** High-water mark of each upstream connection's outbound buffer (default 256 KiB). */
    public Builder writeBufferHighWaterMark(int bytes) {
      this.highWaterMark = Framing.atLeast("writeBufferHighWaterMark", bytes, 2);
      return this;
    }

    /** The TLS context for {@code wss} upstreams (default: the JDK's trust store). */
    public Builder sslContext(SslContext ssl) {
      this.ssl = Objects.requireNonNull(ssl, "sslContext");
      if (!ssl.isClient()) {
        throw new IllegalArgumentException("sslContext must be a client context");
      }
      return this;
    }

    public NettyUpstreamConnector build() {
      return new NettyUpstreamConnector(this);
    }
  }
}
