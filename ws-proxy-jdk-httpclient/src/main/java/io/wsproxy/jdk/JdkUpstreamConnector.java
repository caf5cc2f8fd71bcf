package io.wsproxy.jdk;

import io.wsproxy.CloseCodes;
import io.wsproxy.UpstreamConnector;
import io.wsproxy.UpstreamRequest;
import io.wsproxy.WsChannel;
import io.wsproxy.WsListener;
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
 * The default {@link UpstreamConnector}: dials upstreams with {@link java.net.http.WebSocket}. All
 * connections share one {@link HttpClient}, so one selector thread serves them all.
 *
 * <p><b>Channels.</b> The channels it opens read on demand: one message at a time, and not at all
 * while {@link WsChannel#pauseReading() paused} (they answer {@code canPauseReading() == true}), so
 * a slow client slows its upstream down instead of filling memory. Messages are joined from their
 * fragments up to {@link UpstreamRequest#maxMessageSize()}; a larger one closes the upstream with
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
 * time per connection on the HTTP client's executor threads (or this connector's timer thread), never
 * inside a call the caller makes to a channel method. The no-argument constructor creates the client
 * with a pool of daemon threads it owns; {@link #withClient(HttpClient)} uses the caller's.
 *
 * <p><b>Lifecycle.</b> {@link #close()} refuses new connects. Connections already open keep working;
 * once the last one has ended the connector stops its timer thread and, if it created the client,
 * its executor (the JDK 17 {@code HttpClient} has no close; its selector thread ends when the client
 * is garbage).
 */
public final class JdkUpstreamConnector implements UpstreamConnector {

  /**
   * TCP connect limit of the client this connector creates. Each request's own
   * {@link UpstreamRequest#connectTimeout()}, usually shorter, bounds the connect plus the upgrade.
   */
  public static final Duration OWNED_CLIENT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** How long an idle thread of the owned executor lives. */
  static final Duration EXECUTOR_KEEP_ALIVE = Duration.ofSeconds(60);

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HttpClient client;
  /** The executor of the client this connector created, or {@code null} for a caller's client. */
  private final ExecutorService ownedExecutor;
  private final Scheduler timers = new Scheduler("ws-proxy-jdk-timer");
  private final JdkDialer dialer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  /** Connects in progress plus connections not yet ended. */
  private final AtomicInteger live = new AtomicInteger();
  /** Longest close timeout requested: how long timers must outlive the last connection. */
  private final AtomicLong longestCloseTimeoutNanos = new AtomicLong();

  /** A connector with its own {@link HttpClient} (HTTP/1.1, no redirects, no proxy). */
  public JdkUpstreamConnector() {
    this.ownedExecutor = newExecutor();
    this.client = HttpClient.newBuilder()
        .executor(ownedExecutor)
        .connectTimeout(OWNED_CLIENT_CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.dialer = new JdkDialer(client, ownedExecutor, timers);
  }

  private JdkUpstreamConnector(HttpClient client) {
    this.client = Objects.requireNonNull(client, "client");
    this.ownedExecutor = null;
    Executor callbacks = client.executor().orElse(this::onTimerThread);
    this.dialer = new JdkDialer(client, callbacks, timers);
  }

  /**
   * A connector dialling with {@code client}, which the caller owns: {@link #close()} leaves it alone.
   * The client's proxy, TLS and authentication settings apply to every upstream.
   */
  public static JdkUpstreamConnector withClient(HttpClient client) {
    return new JdkUpstreamConnector(client);
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

  /** Runs {@code task} on the timer thread; in the caller's once the timer has stopped. */
  private void onTimerThread(Runnable task) {
    if (timers.schedule(Duration.ZERO, task).isCancelled()) {
      task.run();
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
