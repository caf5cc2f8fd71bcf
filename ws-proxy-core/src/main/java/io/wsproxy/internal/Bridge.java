package io.wsproxy.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectionGroup;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.Direction;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins one client channel to one upstream channel: the per-connection state machine, composed of
 * small parts ({@link Relay} for the data path, {@link FrameBuffer} for early messages,
 * {@link FlowControl} per direction, {@link Closes} for close mirroring, {@link Ends} for the close
 * bookkeeping, {@link BridgeTimers} on the client's event loop or the proxy's one scheduler). The two modes are its two
 * subclasses: {@link ConnectFirstBridge} and {@link AcceptFirstBridge}.
 *
 * <p><b>States.</b> DIALING (the upstream is being dialled; accept-first: the client's messages go
 * to the early buffer, or its reading is paused) → AWAITING_CLIENT (connect-first only: the upstream
 * answered, the decision is out, the client's 101 is being written; the upstream's messages go to
 * the early buffer, or its reading is paused) → OPEN (relaying both ways) → CLOSING (one side ended;
 * the other is being closed with the mirrored code) → CLOSED (both ended, timers and buffers
 * released, the connection slot given back, the listener told once).
 *
 * <p><b>Threading.</b> Client events arrive on the client transport's thread, upstream events on the
 * upstream's (the same thread when a transport runs both on one event loop); timers on the
 * client's event loop when the server transport gave one as its affinity, else on the scheduler's.
 * {@link #lock} guards every transition, the early buffer and the close bookkeeping.
 * The OPEN relay path reads the volatile {@link #state} and sends without the lock; channel sends
 * never block. Listener (user) code is never called with the lock held.
 */
public abstract sealed class Bridge implements ConnectionGroup.Member
    permits ConnectFirstBridge, AcceptFirstBridge {

  private static final Logger log = LoggerFactory.getLogger(Bridge.class);
  /** Upstream failures logged at INFO per second, process-wide; the rest go to DEBUG. */
  private static final LogRate FAILURE_LOG = new LogRate(20);

  /** Close code for a side that does not read while the other keeps sending (and cannot pause). */
  public static final int SLOW_CONSUMER_CODE = CloseCodes.POLICY_VIOLATION;
  /** Close code for a side that sends more early messages than {@link Limits#earlyBytes()}. */
  public static final int EARLY_OVERFLOW_CODE = CloseCodes.TRY_AGAIN_LATER;
  /** Slack over the connector's own connect timeout before the bridge gives the dial up. */
  static final Duration CONNECT_GRACE = Duration.ofMillis(500);

  enum State { DIALING, AWAITING_CLIENT, OPEN, CLOSING, CLOSED }

  final BridgeContext ctx;
  // the handshake's decision: read when dialling and answering the client, then dropped so an
  // open connection does not keep its request's headers (written before the transport learns of
  // the decision, and read only before it attaches the client: ordered by that hand-over)
  HandshakeDecision.Accept accept;
  final Route route;
  // the route's own upstream-failure code, else the proxy's: every failure close of this bridge
  final int upstreamFailureCloseCode;
  private final Runnable onClosed;
  private final Object affinity;
  final Relay relay;
  private final long startNanos = System.nanoTime();

  final Object lock = new Object();
  volatile State state = State.DIALING;
  // guarded by lock (client and upstream are also read, without it, after state became OPEN)
  WsChannel client;
  WsChannel upstream;
  ConnectionInfo info;
  FrameBuffer early;
  CompletableFuture<WsChannel> dial;
  private FlowControl toUpstream;
  private FlowControl toClient;
  final BridgeTimers timers;
  final Ends ends = new Ends();

  /**
   * @param affinity the server transport's affinity hint: the upstream request carries it, and the
   *                 timers run on it when it is a {@link java.util.concurrent.ScheduledExecutorService}
   *                 (see {@link BridgeTimers})
   */
  Bridge(BridgeContext ctx, long id, HandshakeDecision.Accept accept, WsChannel client,
      Object affinity, Runnable onClosed) {
    this.ctx = ctx;
    this.accept = accept;
    this.route = accept.route();
    this.upstreamFailureCloseCode =
        route.upstreamFailureCloseCodeOr(ctx.upstreamFailureCloseCode());
    this.client = client;
    this.onClosed = onClosed;
    this.relay = new Relay(this, ctx);
    this.info = new ConnectionInfo(id, accept.clientAddress(), accept.request().path(),
        route.upstream(), accept.principal(), accept.subprotocol());
    this.early = new FrameBuffer(ctx.limits().earlyBytes());
    this.affinity = affinity;
    this.timers = new BridgeTimers(ctx.scheduler(), affinity);
  }

  /** The listener the transport feeds client events into. */
  WsListener clientListener() {
    return relay.clientListener;
  }

  // ---------------------------------------------------------------- for the relay

  boolean isOpen() {
    return state == State.OPEN;
  }

  /** The upstream channel; read by the relay once OPEN (published by the volatile state). */
  WsChannel upstream() {
    return upstream;
  }

  WsChannel client() {
    return client;
  }

  FlowControl toUpstream() {
    return toUpstream;
  }

  FlowControl toClient() {
    return toClient;
  }

  ConnectionInfo info() {
    return info;
  }

  /** Joins the groups, dials, and starts the timers. Called once, by the factory. */
  void start(List<String> offer) {
    ctx.connections().join(this);
    if (route.group() != null) {
      route.group().join(this);
    }
    Limits limits = ctx.limits();
    UpstreamRequest request = UpstreamRequest.builder(route.upstream())
        .headers(accept.upstreamHeaders()).subprotocols(offer)
        .connectTimeout(limits.connectTimeout()).closeTimeout(limits.closeTimeout())
        .maxFrameSize(limits.maxFrameSize()).maxMessageSize(limits.maxMessageSize())
        .affinity(affinity).build();
    CompletableFuture<WsChannel> f;
    try {
      f = ctx.connector().connect(request, relay.upstreamListener);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    synchronized (lock) {
      dial = f;
      // a safety net over the connector's own timeout, for a connector that may not keep it
      if (!ctx.connector().timesOutDials()) {
        timers.startConnect(limits.connectTimeout().plus(CONNECT_GRACE), () -> connectFailed(
            new TimeoutException("upstream connect timed out after " + limits.connectTimeout())));
      }
    }
    f.whenComplete((ch, error) -> {
      if (error != null) {
        connectFailed(error);
      }
    });
  }

  /** Closes both sides with {@code code} (a session ended, the proxy shuts down). */
  @Override
  public void close(int code, String reason) {
    closeBoth(code, reason, code, reason);
  }

  // ---------------------------------------------------------------- upstream connect

  void upstreamOpened(WsChannel ch) {
    boolean late;
    synchronized (lock) {
      late = state != State.DIALING;
      if (!late) {
        upstream = ch;
        timers.cancelConnect();
        openedLocked(ch);
      }
    }
    if (late) {
      // closed (shutdown, session end, abandoned, connect timeout) while we dialled
      Closes.close(ch, CloseCodes.GOING_AWAY, Closes.CLIENT_WENT_AWAY);
      return;
    }
    Duration latency = Duration.ofNanos(System.nanoTime() - startNanos);
    log.debug("#{} upstream {} connected in {} ms", info.id(), route.upstream(), latency.toMillis());
    notifyListener(() -> ctx.listener().upstreamConnected(info, latency));
    opened(ch);
  }

  /** The upstream is open: the mode's transition, with the lock held. */
  abstract void openedLocked(WsChannel ch);

  /** The upstream is open: the mode's follow-up, without the lock. */
  abstract void opened(WsChannel ch);

  void connectFailed(Throwable error) {
    boolean clientOpen;
    synchronized (lock) {
      if (state != State.DIALING) {
        return;
      }
      clientOpen = client != null && !ends.client;
      state = State.CLOSING;
      ends.upstream = true;
      if (client == null) {
        ends.client = true; // connect-first: the client is refused, it never opens
      }
      timers.cancelConnect();
      early.clear();
    }
    Throwable cause = UpstreamFailures.unwrap(error);
    if (FAILURE_LOG.allow()) {
      int held = FAILURE_LOG.suppressed();
      log.info("#{} upstream {} failed: {}{}", info.id(), route.upstream(), cause.toString(),
          held == 0 ? "" : " (" + held + " more failures not logged)");
    } else {
      log.debug("#{} upstream {} failed: {}", info.id(), route.upstream(), cause.toString());
    }
    notifyListener(() -> ctx.listener().upstreamFailed(info, cause));
    Rejection rejection = UpstreamFailures.toRejection(cause, upstreamFailureCloseCode);
    synchronized (lock) {
      ends.reason(rejection.reason());
    }
    failed(rejection, clientOpen);
    maybeFinish();
  }

  /** Dialling failed: refuse the waiting client (connect-first) or close the open one. */
  abstract void failed(Rejection rejection, boolean clientOpen);

  void flows() {
    // called with the lock held, once both channels are known
    long max = ctx.limits().maxQueuedBytes();
    toUpstream = new FlowControl(client, upstream, Direction.CLIENT_TO_UPSTREAM, max, relay);
    toClient = new FlowControl(upstream, client, Direction.UPSTREAM_TO_CLIENT, max, relay);
    // idleness and liveness count from here: the dial has its own (connect) timeout
    timers.startChecks(ctx.limits().idleTimeout(), relay::activity, relay::closeIdle,
        ctx.limits().keepaliveInterval(),
        new Keepalive(relay::heardFromClient, relay.leg(true)),
        new Keepalive(relay::heardFromUpstream, relay.leg(false)));
  }


  // ---------------------------------------------------------------- relay

  /**
   * Off the OPEN fast path: holds {@code message} while the bridge is in {@code holding} (closing
   * the sender when the early buffer is full), drops it while closing. Answers whether to relay it
   * after all (the bridge opened meanwhile).
   */
  boolean holdOrDrop(Object message, State holding) {
    boolean overflow;
    synchronized (lock) {
      if (state == State.OPEN) {
        return true;
      }
      if (state != holding) {
        return false; // closing: frames after the peer left go with the connection
      }
      overflow = !early.offer(message);
    }
    if (overflow) {
      relay.earlyOverflow(holding == State.AWAITING_CLIENT);
    }
    return false;
  }

  // ---------------------------------------------------------------- close

  void closeBoth(int toClientCode, String toClientReason, int toUpstreamCode,
      String toUpstreamReason) {
    WsChannel c;
    WsChannel up;
    boolean closeClient;
    boolean closeUpstream;
    CompletableFuture<WsChannel> pending = null;
    boolean refuse = false;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      c = client;
      up = upstream;
      closeClient = c != null && !ends.client;
      closeUpstream = up != null && !ends.upstream;
      if (state == State.DIALING) {
        pending = dial; // a late open is closed in upstreamOpened
        ends.upstream = true;
        timers.cancelConnect();
        refuse = c == null; // connect-first: the waiting client is refused
        if (refuse) {
          ends.client = true;
        }
      }
      if (c == null && !ends.client) {
        ends.pendingClientClose(toClientCode, toClientReason); // closed when it attaches
      }
      early.clear();
      state = State.CLOSING;
      ends.reason(toClientReason);
    }
    if (pending != null) {
      pending.cancel(false);
    }
    if (refuse) {
      refused(new Rejection(503, CloseCodes.forWire(toClientCode), toClientReason));
    }
    if (closeClient) {
      Closes.close(c, toClientCode, toClientReason);
    }
    if (closeUpstream) {
      Closes.close(up, toUpstreamCode, toUpstreamReason);
    }
    armWatchdog();
    maybeFinish();
  }

  /** Connect-first: the waiting client is refused with {@code rejection}; accept-first: never. */
  void refused(Rejection rejection) {}

  void clientClosed(int code, String reason) {
    WsChannel up;
    boolean mirror;
    synchronized (lock) {
      if (ends.client) {
        return;
      }
      ends.clientEnded(code, reason);
      if (state == State.DIALING) {
        return; // accept-first: what the client sent, and its close, go upstream once it opens
      }
      mirror = !ends.upstream && upstream != null && state != State.CLOSING;
      up = upstream;
      state = State.CLOSING;
    }
    if (mirror) {
      Closes.mirrorToUpstream(up, code, reason);
      armWatchdog();
    }
    maybeFinish();
  }

  void upstreamClosed(int code, String reason) {
    boolean mirror;
    synchronized (lock) {
      if (ends.upstream) {
        return;
      }
      ends.upstreamEnded(code, reason);
      if (state == State.AWAITING_CLIENT) {
        return; // mirrored to the client once it is attached
      }
      mirror = client != null && !ends.client && state != State.CLOSING;
      state = State.CLOSING;
    }
    if (mirror) {
      Closes.mirrorToClient(client, code, reason, upstreamFailureCloseCode);
      armWatchdog();
    }
    maybeFinish();
  }

  /**
   * Cuts whatever has not finished closing after twice the close timeout; no timer when each side
   * has ended, or is there and ends within its own close timeout by itself
   * ({@link WsChannel#endsWithinCloseTimeout}). Called with or without the lock.
   */
  void armWatchdog() {
    synchronized (lock) {
      if (state == State.CLOSED || (ends.client || endsByItself(client))
          && (ends.upstream || endsByItself(upstream))) {
        return;
      }
      // twice the close timeout; plus, not multipliedBy(2), which goes through BigDecimal per close
      Duration closeTimeout = ctx.limits().closeTimeout();
      timers.armWatchdog(closeTimeout.plus(closeTimeout), () -> {
        WsChannel c;
        WsChannel up;
        boolean abortClient;
        boolean abortUpstream;
        synchronized (lock) {
          c = client;
          up = upstream;
          abortClient = c != null && !ends.client;
          abortUpstream = up != null && !ends.upstream;
          ends.client = true;
          ends.upstream = true;
        }
        if (abortClient) {
          c.abort();
        }
        if (abortUpstream) {
          up.abort();
        }
        maybeFinish();
      });
    }
  }

  private static boolean endsByItself(WsChannel side) {
    return side != null && side.endsWithinCloseTimeout();
  }

  void maybeFinish() {
    synchronized (lock) {
      if (state == State.CLOSED || !ends.client || !ends.upstream) {
        return;
      }
      state = State.CLOSED;
      timers.cancelAll();
      early.clear();
    }
    ctx.connections().leave(this);
    if (route.group() != null) {
      route.group().leave(this);
    }
    try {
      onClosed.run();
    } catch (RuntimeException e) {
      log.warn("#{} close hook failed", info.id(), e);
    }
    ConnectionSummary summary = new ConnectionSummary(client != null, info.subprotocol(),
        ends.clientCode, ends.clientReason, ends.upstreamCode, ends.upstreamReason,
        ends.closeReason, Duration.ofNanos(System.nanoTime() - startNanos),
        relay.messagesToUpstream(), relay.bytesToUpstream, relay.messagesToClient(),
        relay.bytesToClient);
    log.debug("#{} closed: client {}, upstream {}", info.id(), summary.clientCode(),
        summary.upstreamCode());
    notifyListener(() -> ctx.listener().connectionClosed(info, summary));
  }

  void notifyListener(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      log.warn("ProxyListener threw; ignored", e);
    }
  }
}
