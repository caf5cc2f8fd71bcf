package io.wsproxy.jdk;

import io.wsproxy.Limits;
import io.wsproxy.jdk.internal.ConnectorThreads;
import io.wsproxy.jdk.internal.JdkDialer;
import io.wsproxy.spi.UpstreamConnectException;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link UpstreamConnector} on {@link java.net.http.WebSocket}, for hosts that want no dependency
 * besides the JDK. All connections share one {@link HttpClient}.
 *
 * <p><b>Dialling.</b> The request's whole subprotocol offer goes upstream; the channel's
 * {@link WsChannel#subprotocol()} is the upstream's choice (or {@code null}); no extension is ever
 * offered. Failures complete the future with an {@link UpstreamConnectException}: TCP refused or
 * unreachable, TLS failed → {@code UNREACHABLE}; the request's connect timeout ran out →
 * {@code TIMEOUT}; an answer other than 101 → {@code REFUSED} with its status; a 101 the JDK rejects
 * (wrong {@code Sec-WebSocket-Accept}, a subprotocol that was not offered, an extension) →
 * {@code INVALID_HANDSHAKE}. Cancelling the future abandons the dial: a WebSocket that opens later
 * is aborted and the listener hears nothing. Restricted upgrade headers ({@code Host},
 * {@code Connection}, {@code Upgrade}, {@code Content-Length}, {@code Expect},
 * {@code Sec-WebSocket-*}) and values with control characters are not forwarded (the JDK would
 * refuse the whole connect); the JDK writes its own. {@link UpstreamRequest#affinity()} is ignored:
 * the JDK client runs its connections on its own threads.
 *
 * <p><b>Channels.</b> They read on demand, one message at a time, and not at all while
 * {@linkplain WsChannel#pauseReading() paused} ({@code canPauseReading() == true}). Messages are
 * joined from their parts up to {@link UpstreamRequest#maxMessageSize()}; a larger one closes the
 * upstream with 1008 (the JDK client may not send 1009) and reports {@code onClose(1009)}. The JDK
 * does not show frame boundaries, so {@link UpstreamRequest#maxFrameSize()} is enforced through the
 * message limit, which bounds every frame as well. Sends are queued in call order and answer
 * {@code false} once more than the {@linkplain Builder#writeBufferWaterMarks high-water mark} is
 * queued; {@link WsListener#onWritable} follows once the queue drained to the low-water mark. The
 * JDK client sends only the close codes 1000, 1001, 1008, 1011 and 3000–4999
 * ({@link WsChannel#canSendCloseCode}); another code given to {@code close} is mapped to the nearest
 * of those. A liveness probe pings upstreams silent for {@link #DEFAULT_PROBE_INTERVAL} (see there).
 *
 * <p><b>Threads.</b> The connector adds no thread per connection or per burst: it owns one fixed pool
 * of at most {@link Builder#threads} daemon threads ({@code ws-proxy-jdk-*}), which runs the
 * HTTP client's tasks (listener calls included), every timer, and the few listener calls that must
 * leave a caller's thread; the JDK adds one selector thread per client. With a caller's client
 * ({@link Builder#httpClient}) listener calls run on that client's executor.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #connect} returns at once. Listener calls run one at a
 * time per connection, never inside a call the caller makes to a channel method.
 *
 * <p><b>Lifecycle.</b> {@link #close()} makes new dials fail at once ({@code UNREACHABLE},
 * "connector closed"). Connections already open keep working; once the last one has ended (at once if
 * none is open) the pool stops, after running the close timeouts still due. A caller's client is
 * left alone. The JDK 17 {@code HttpClient} has no close: the selector thread of the client this
 * connector created ends when the connector is garbage.
 */
public final class JdkUpstreamConnector implements UpstreamConnector {

  /**
   * TCP connect limit of the client this connector creates. Each request's own
   * {@link UpstreamRequest#connectTimeout()}, usually shorter, bounds the connect plus the upgrade.
   */
  public static final Duration OWNED_CLIENT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How long an upstream may send nothing before the connector pings it, and how long the ping may
   * stay unanswered before the connection counts as lost (onError, then 1006). The JDK client can
   * lose a connection silently when the upstream's TCP connection ends without a close frame while
   * no read is outstanding; the probe finds those.
   */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(10);
  /** Default size of the connector's thread pool. */
  public static final int DEFAULT_THREADS = 2;
  /** Default bytes queued on a channel above which its sends answer {@code false}. */
  public static final long DEFAULT_HIGH_WATER_MARK_BYTES = Limits.MIB;
  /** Default bytes queued at which an unwritable channel is writable again. */
  public static final long DEFAULT_LOW_WATER_MARK_BYTES = DEFAULT_HIGH_WATER_MARK_BYTES / 2;

  private final HttpClient client;
  private final ConnectorThreads threads;
  private final JdkDialer dialer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  /** Dials in progress plus connections not yet ended. */
  private final AtomicInteger live = new AtomicInteger();

  /** A connector with its own {@link HttpClient} (HTTP/1.1, no redirects, no proxy) and defaults. */
  public JdkUpstreamConnector() {
    this(builder());
  }

  private JdkUpstreamConnector(Builder b) {
    this.threads = new ConnectorThreads(b.threads, "ws-proxy-jdk");
    this.client = b.httpClient != null ? b.httpClient : HttpClient.newBuilder()
        .executor(threads)
        .connectTimeout(OWNED_CLIENT_CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.dialer = new JdkDialer(client, threads, b.lowWaterMark, b.highWaterMark, b.probeInterval);
  }

  /**
   * A connector dialling with {@code client}, which the caller owns: {@link #close()} leaves it alone.
   * The client's proxy, TLS and authentication settings apply to every upstream.
   */
  public static JdkUpstreamConnector withClient(HttpClient client) {
    return builder().httpClient(client).build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The client every connection of this connector uses. */
  public HttpClient httpClient() {
    return client;
  }

  /** {@inheritDoc} After {@link #close()} the future fails at once ({@code UNREACHABLE}). */
  @Override
  public CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    live.incrementAndGet();
    if (closed.get()) {
      connectionEnded();
      return CompletableFuture.failedFuture(UpstreamConnectException.unreachable("connector closed", null));
    }
    return dialer.dial(request, listener, new Once(this::connectionEnded));
  }

  /** Makes new dials fail and releases the threads once open connections have ended. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && live.get() == 0) {
      release();
    }
  }

  private void connectionEnded() {
    if (live.decrementAndGet() == 0 && closed.get()) {
      release();
    }
  }

  private void release() {
    if (released.compareAndSet(false, true)) {
      threads.shutdown(); // close timeouts still due run first: they cut connections still closing
    }
  }

  /** Configures a {@link JdkUpstreamConnector}. Not thread-safe; setters validate and name the field. */
  public static final class Builder {
    private HttpClient httpClient;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private int threads = DEFAULT_THREADS;
    private long lowWaterMark = DEFAULT_LOW_WATER_MARK_BYTES;
    private long highWaterMark = DEFAULT_HIGH_WATER_MARK_BYTES;

    private Builder() {}

    /** Dial with this client, which the caller owns; without one the connector creates its own. */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * Silence before a liveness ping, and the time the ping has to be answered (see
     * {@link #DEFAULT_PROBE_INTERVAL}); {@link Duration#ZERO} disables probing.
     */
    public Builder probeInterval(Duration probeInterval) {
      Objects.requireNonNull(probeInterval, "probeInterval");
      if (probeInterval.isNegative()) {
        throw new IllegalArgumentException("probeInterval must not be negative: " + probeInterval);
      }
      this.probeInterval = probeInterval;
      return this;
    }

    /** Most threads of the connector's pool (default {@value JdkUpstreamConnector#DEFAULT_THREADS}). */
    public Builder threads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Bytes queued on a channel above which its sends answer {@code false} ({@code high}), and at
     * which it is writable again ({@code low}); defaults 512 KiB and 1 MiB.
     */
    public Builder writeBufferWaterMarks(long low, long high) {
      if (high <= 0) {
        throw new IllegalArgumentException("writeBufferWaterMarks high must be positive: " + high);
      }
      if (low < 0 || low > high) {
        throw new IllegalArgumentException(
            "writeBufferWaterMarks low must be between 0 and high (" + high + "): " + low);
      }
      this.lowWaterMark = low;
      this.highWaterMark = high;
      return this;
    }

    public JdkUpstreamConnector build() {
      return new JdkUpstreamConnector(this);
    }
  }

  /** Runs its task the first time only. */
  private static final class Once implements Runnable {
    private final AtomicBoolean done = new AtomicBoolean();
    private final Runnable task;

    Once(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (done.compareAndSet(false, true)) {
        task.run();
      }
    }
  }
}
