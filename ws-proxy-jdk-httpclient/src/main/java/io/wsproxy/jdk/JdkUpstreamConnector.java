package io.wsproxy.jdk;

import io.wsproxy.CloseCodes;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import io.wsproxy.internal.Scheduler;
import io.wsproxy.jdk.internal.JdkDialer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default {@link io.wsproxy.spi.UpstreamConnector}: dials upstreams with {@link java.net.http.WebSocket}. All
 * connections share one {@link HttpClient}, so one selector thread serves them all.
 *
 * <p><b>Channels.</b> The channels it opens read on demand: one message at a time, and not at all
 * while {@link io.wsproxy.spi.WsChannel#pauseReading() paused} (they answer {@code canPauseReading() == true}), so
 * a slow client slows its upstream down instead of filling memory. Messages are joined from their
 * fragments up to {@link io.wsproxy.spi.UpstreamRequest#maxMessageSize()}; a larger one closes the upstream with
 * 1008 (the JDK client may not send 1009) and reports {@code onClose(1009, "message too big")}.
 * Sends are queued in call order, one on the wire at a time; a binary send reads the caller's buffer
 * when it reaches the socket, so its bytes must not change after the call. Close codes the JDK
 * client refuses (1002, 1003, 1007, 1009, 1010, 1012–1014) are mapped by
 * {@link CloseCodes#forTransport}. Restricted upgrade headers ({@code Host}, {@code Connection},
 * {@code Upgrade}, {@code Content-Length}, {@code Expect}, {@code Sec-WebSocket-*}) and values with
 * control characters are not forwarded (the JDK would refuse the whole connect); the client writes
 * its own.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #connect} returns at once. Listener calls run one at a
 * time per connection on the HTTP client's executor threads or this connector's own, never inside a
 * call the caller makes to a channel method. The no-argument constructor creates the client
 * with a pool of daemon threads it owns; {@link #withClient(HttpClient)} and {@link #builder()}
 * take the caller's. A liveness probe pings upstreams that have been silent for
 * {@link #DEFAULT_PROBE_INTERVAL} (see there why).
 *
 * <p><b>Lifecycle.</b> {@link #close()} refuses new connects. Connections already open keep working;
 * once the last one has ended the connector stops the threads it created (its timer, and the
 * executor of the client it created). A caller's client is left alone. The JDK 17
 * {@code HttpClient} has no close: the selector thread of a client this connector created ends when
 * the connector is garbage.
 */
public final class JdkUpstreamConnector implements UpstreamConnector {

  /**
   * TCP connect limit of the client this connector creates. Each request's own
   * {@link io.wsproxy.spi.UpstreamRequest#connectTimeout()}, usually shorter, bounds the connect plus the upgrade.
   */
  public static final Duration OWNED_CLIENT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How long an upstream may send nothing before the connector pings it, and how long the ping may
   * stay unanswered before the connection counts as lost (onError, then 1006). The JDK client can
   * lose a connection silently when the upstream's TCP connection ends without a close frame while
   * no read is outstanding; the probe finds those.
   */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(10);
  /** How long an idle thread of the owned executor lives. */
  static final Duration EXECUTOR_KEEP_ALIVE = Duration.ofSeconds(60);

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HttpClient client;
  /**
   * The executor this connector created and shuts down: the client's when it created the client,
   * else one for listener calls that start off the JDK's threads when the caller's client has no
   * executor of its own; {@code null} when the caller's client has one.
   */
  private final ExecutorService ownedExecutor;
  private final Scheduler timers = new Scheduler("ws-proxy-jdk-timer");
  private final JdkDialer dialer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  /** Connects in progress plus connections not yet ended. */
  private final AtomicInteger live = new AtomicInteger();
  /** Longest close timeout requested: how long timers must outlive the last connection. */
  private final AtomicLong longestCloseTimeoutNanos = new AtomicLong();

  /** A connector with its own {@link HttpClient} (HTTP/1.1, no redirects, no proxy) and defaults. */
  public JdkUpstreamConnector() {
    this(builder());
  }

  private JdkUpstreamConnector(Builder b) {
    if (b.httpClient == null) {
      this.ownedExecutor = newExecutor();
      this.client = HttpClient.newBuilder()
          .executor(ownedExecutor)
          .connectTimeout(OWNED_CLIENT_CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
    } else {
      this.client = b.httpClient;
      this.ownedExecutor = client.executor().isPresent() ? null : newExecutor();
    }
    Executor callbacks = client.executor().orElse(ownedExecutor);
    this.dialer = new JdkDialer(client, callbacks, timers, b.probeInterval);
  }

  /**
   * A connector dialling with {@code client}, which the caller owns: {@link #close()} leaves it alone.
   * The client's proxy, TLS and authentication settings apply to every upstream. Listener calls run
   * on the client's threads, or on threads this connector owns when the client has the default
   * executor; a client executor that runs tasks in the submitting thread lets them run inside
   * channel calls.
   */
  public static JdkUpstreamConnector withClient(HttpClient client) {
    return builder().httpClient(client).build();
  }

  /** A builder starting from the defaults: an owned client, {@link #DEFAULT_PROBE_INTERVAL}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The client every connection of this connector uses. */
  public HttpClient httpClient() {
    return client;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public CompletableFuture<WsChannel> connect(UpstreamRequest request, WsListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    live.incrementAndGet();
    if (closed.get()) {
      connectionEnded();
      throw new IllegalStateException("connector is closed");
    }
    longestCloseTimeoutNanos.accumulateAndGet(request.closeTimeout().toNanos(), Math::max);
    return dialer.dial(request, listener, new Once(this::connectionEnded));
  }

  /** Refuses new connects and releases threads once open connections have ended. Idempotent. */
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
    if (!released.compareAndSet(false, true)) {
      return;
    }
    // close timers of ended connections may still be due: let them run
    timers.shutdownAfter(Duration.ofNanos(longestCloseTimeoutNanos.get()));
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  private static ExecutorService newExecutor() {
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "ws-proxy-jdk-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    // after shutdown the JDK 17 client still hands stragglers over (it does not catch a rejection):
    // run them on the handing thread rather than fail the client's selector thread
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, EXECUTOR_KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS,
        new SynchronousQueue<>(), threads, (task, pool) -> task.run());
  }

  /** Configures a {@link JdkUpstreamConnector}; not thread-safe. */
  public static final class Builder {
    private HttpClient httpClient;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;

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
