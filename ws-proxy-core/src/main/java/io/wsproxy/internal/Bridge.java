package io.wsproxy.internal;

import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectionGroup;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.Direction;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins one client channel to one upstream channel: the per-connection state machine, composed of
 * small parts ({@link FrameBuffer} for early messages, {@link FlowControl} per direction,
 * {@link Closes} for close mirroring, {@link BridgeTimers} on the proxy's one scheduler).
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
 * scheduler's. {@link #lock} guards every transition, the early buffer and the close bookkeeping.
 * The OPEN relay path reads the volatile {@link #state} and sends without the lock; channel sends
 * never block. Listener (user) code is never called with the lock held.
 */
public final class Bridge implements ConnectionGroup.Member {

  private static final Logger log = LoggerFactory.getLogger(Bridge.class);

  /** Close code for a side that does not read while the other keeps sending (and cannot pause). */
  public static final int SLOW_CONSUMER_CODE = CloseCodes.POLICY_VIOLATION;
  /** Close code for a side that sends more early messages than {@link Limits#earlyBytes()}. */
  public static final int EARLY_OVERFLOW_CODE = CloseCodes.TRY_AGAIN_LATER;
  /** Slack over the connector's own connect timeout before the bridge gives the dial up. */
  static final Duration CONNECT_GRACE = Duration.ofMillis(500);

  enum State { DIALING, AWAITING_CLIENT, OPEN, CLOSING, CLOSED }

  private final BridgeContext ctx;
  private final HandshakeDecision.Accept accept;
  private final Route route;
  private final boolean connectFirst;
  private final Runnable onClosed;
  private final boolean events; // false: no per-message listener calls (no allocation per message)
  private final WsListener clientListener = new ClientSide();
  private final WsListener upstreamListener = new UpstreamSide();
  private final CompletableFuture<HandshakeDecision> decision = new CompletableFuture<>();
  private final AtomicInteger activity = new AtomicInteger(); // bumped lazily by the relay
  // relay counters, each written by one side's event thread only; read once the bridge is CLOSED
  private long messagesToUpstream;
  private long bytesToUpstream;
  private long messagesToClient;
  private long bytesToClient;
  private final long startNanos = System.nanoTime();

  private final Object lock = new Object();
  private volatile State state = State.DIALING;
  // guarded by lock (client and upstream are also read, without it, after state became OPEN)
  private WsChannel client;
  private WsChannel upstream;
  private ConnectionInfo info;
  private FrameBuffer early;
  private CompletableFuture<WsChannel> dial;
  private FlowControl toUpstream;
  private FlowControl toClient;
  private final BridgeTimers timers;
  private final Ends ends = new Ends();

  private Bridge(BridgeContext ctx, long id, HandshakeDecision.Accept accept, WsChannel client,
      Runnable onClosed) {
    this.ctx = ctx;
    this.accept = accept;
    this.route = accept.route();
    this.client = client;
    this.connectFirst = client == null;
    this.onClosed = onClosed;
    this.events = ctx.listener() != io.wsproxy.ProxyListener.NONE;
    this.info = new ConnectionInfo(id, accept.clientAddress(), accept.request().path(),
        route.upstream(), accept.principal(), accept.subprotocol());
    this.early = new FrameBuffer(ctx.limits().earlyBytes());
    this.timers = new BridgeTimers(ctx.scheduler());
  }

  /**
   * Connect-first: dials now; {@link #decision()} completes once the upstream answered. The
   * transport then calls {@link #attachClient} (101 written) or {@link #abandon}.
   */
  static Bridge connectFirst(BridgeContext ctx, long id, HandshakeDecision.Accept accept,
      List<String> offer, Object affinity, Runnable onClosed) {
    Bridge b = new Bridge(ctx, id, accept, null, onClosed);
    b.start(offer, affinity);
    return b;
  }

  /** Accept-first: the client is open already; dials now and holds its messages meanwhile. */
  static Bridge acceptFirst(BridgeContext ctx, long id, HandshakeDecision.Accept accept,
      WsChannel client, List<String> offer, Object affinity, Runnable onClosed) {
    Bridge b = new Bridge(ctx, id, accept, client, onClosed);
    if (client.canPauseReading()) {
      client.pauseReading(); // nothing to buffer: the client waits in its socket buffer
    }
    b.notifyListener(() -> ctx.listener().connectionOpened(b.info));
    b.start(offer, affinity);
    return b;
  }

  /** Connect-first: the decision for the client (an Accept with the upstream's subprotocol). */
  CompletableFuture<HandshakeDecision> decision() {
    return decision;
  }

  /** The listener the transport feeds client events into. */
  WsListener clientListener() {
    return clientListener;
  }

  private void start(List<String> offer, Object affinity) {
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
      f = ctx.connector().connect(request, upstreamListener);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    synchronized (lock) {
      dial = f;
      // a safety net over the connector's own timeout
      timers.startConnect(limits.connectTimeout().plus(CONNECT_GRACE), () -> connectFailed(
          new TimeoutException("upstream connect timed out after " + limits.connectTimeout())));
      timers.startIdle(limits.idleTimeout(), activity::get, this::closeIdle);
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

  private void upstreamOpened(WsChannel ch) {
    boolean late;
    WsChannel c;
    synchronized (lock) {
      late = state != State.DIALING;
      c = client;
      if (!late) {
        upstream = ch;
        timers.cancelConnect();
        if (connectFirst) {
          if (ch.canPauseReading()) {
            ch.pauseReading(); // resumed once the client is attached
          }
          state = State.AWAITING_CLIENT;
        } else {
          flows();
          early.drainTo(m -> {
            messagesToUpstream++;
            bytesToUpstream += FrameBuffer.sizeOf(m);
            send(ch, m);
          });
          state = ends.client ? State.CLOSING : State.OPEN;
        }
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
    if (connectFirst) {
      decision.complete(acceptWith(ch.subprotocol()));
      return;
    }
    if (c.canPauseReading()) {
      c.resumeReading();
    }
    if (ends.client) {
      // a client that closed while we dialled: its close follows its messages
      Closes.mirrorToUpstream(ch, ends.clientCode, ends.clientReason);
      armWatchdog();
    }
  }

  /** The accept the client is answered with: the upstream's choice, or the bearer answer. */
  private HandshakeDecision.Accept acceptWith(String upstreamChoice) {
    String answer = upstreamChoice != null ? upstreamChoice
        : (AuthValidator.BEARER_SUBPROTOCOL.equals(accept.subprotocol()) ? accept.subprotocol()
            : null);
    return new HandshakeDecision.Accept(accept.request(), accept.clientAddress(),
        accept.principal(), answer, route, accept.upstreamHeaders());
  }

  private void connectFailed(Throwable error) {
    boolean clientOpen;
    synchronized (lock) {
      if (state != State.DIALING) {
        return;
      }
      clientOpen = client != null && !ends.client;
      state = State.CLOSING;
      ends.upstream = true;
      if (connectFirst) {
        ends.client = true; // the client is refused: it never opens
      }
      timers.cancelConnect();
      early.clear();
    }
    Throwable cause = UpstreamFailures.unwrap(error);
    log.info("#{} upstream {} failed: {}", info.id(), route.upstream(), cause.toString());
    notifyListener(() -> ctx.listener().upstreamFailed(info, cause));
    Rejection rejection = UpstreamFailures.toRejection(cause, ctx.upstreamFailureCloseCode());
    synchronized (lock) {
      ends.reason(rejection.reason());
    }
    if (connectFirst) {
      decision.complete(rejection);
    } else if (clientOpen) {
      Closes.close(client, ctx.upstreamFailureCloseCode(), "Bad Gateway");
      armWatchdog();
    }
    maybeFinish();
  }

  // ---------------------------------------------------------------- client attach (connect-first)

  /** Connect-first: the client's 101 is written; starts relaying. Call once, after an Accept. */
  WsListener attachClient(WsChannel c) {
    boolean closeNow;
    boolean mirrorUpstreamClose;
    WsChannel up;
    synchronized (lock) {
      if (!connectFirst || client != null) {
        throw new IllegalStateException("client already attached");
      }
      client = c;
      info = new ConnectionInfo(info.id(), info.clientAddress(), info.path(), info.upstream(),
          info.principal(), c.subprotocol());
      up = upstream;
      closeNow = state == State.CLOSING && ends.hasPendingClientClose(); // closed while awaiting
      mirrorUpstreamClose = state == State.AWAITING_CLIENT && ends.upstream;
      if (state == State.AWAITING_CLIENT) {
        flows();
        early.drainTo(m -> {
          messagesToClient++;
          bytesToClient += FrameBuffer.sizeOf(m);
          send(c, m);
        });
        state = ends.upstream ? State.CLOSING : State.OPEN;
      } else if (state != State.CLOSING) {
        throw new IllegalStateException("attachClient in state " + state);
      }
    }
    notifyListener(() -> ctx.listener().connectionOpened(info));
    if (mirrorUpstreamClose) {
      Closes.mirrorToClient(c, ends.upstreamCode, ends.upstreamReason,
          ctx.upstreamFailureCloseCode());
      armWatchdog();
    } else if (closeNow) {
      Closes.close(c, ends.pendingClientCode, ends.pendingClientReason);
      armWatchdog();
    } else if (up.canPauseReading()) {
      up.resumeReading();
    }
    return clientListener;
  }

  /** Connect-first: the client left (or was refused) before {@link #attachClient}. Idempotent. */
  void abandon() {
    CompletableFuture<WsChannel> pending = null;
    WsChannel up = null;
    synchronized (lock) {
      if (client != null || ends.client) {
        return;
      }
      ends.client = true;
      if (state == State.DIALING) {
        pending = dial;
        ends.upstream = true;
        timers.cancelConnect();
      } else if (!ends.upstream && upstream != null) {
        up = upstream;
      }
      early.clear();
      state = State.CLOSING;
      ends.reason(Closes.CLIENT_WENT_AWAY);
    }
    if (pending != null) {
      log.debug("#{} client left while dialling; dial cancelled", info.id());
      pending.cancel(false);
      decision.complete(Rejection.unavailable(Closes.CLIENT_WENT_AWAY));
    }
    if (up != null) {
      Closes.close(up, CloseCodes.GOING_AWAY, Closes.CLIENT_WENT_AWAY);
      armWatchdog();
    }
    maybeFinish();
  }

  private void flows() {
    // called with the lock held, once both channels are known
    long max = ctx.limits().maxQueuedBytes();
    toUpstream = new FlowControl(client, upstream, Direction.CLIENT_TO_UPSTREAM, max,
        this::queueOverflow);
    toClient = new FlowControl(upstream, client, Direction.UPSTREAM_TO_CLIENT, max,
        this::queueOverflow);
  }

  // ---------------------------------------------------------------- relay

  private void fromClient(Object message) {
    activity.lazySet(activity.get() + 1);
    if (state == State.OPEN || holdOrDrop(message, State.DIALING)) {
      messagesToUpstream++;
      bytesToUpstream += relay(upstream, message, toUpstream, Direction.CLIENT_TO_UPSTREAM);
    }
  }

  private void fromUpstream(Object message) {
    activity.lazySet(activity.get() + 1);
    if (state == State.OPEN || holdOrDrop(message, State.AWAITING_CLIENT)) {
      messagesToClient++;
      bytesToClient += relay(client, message, toClient, Direction.UPSTREAM_TO_CLIENT);
    }
  }

  /**
   * Off the OPEN fast path: holds {@code message} while the bridge is in {@code holding} (closing
   * the sender when the early buffer is full), drops it while closing. Answers whether to relay it
   * after all (the bridge opened meanwhile).
   */
  private boolean holdOrDrop(Object message, State holding) {
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
      earlyOverflow();
    }
    return false;
  }

  /** Sends {@code message} on; answers its size. */
  private long relay(WsChannel target, Object message, FlowControl flow, Direction direction) {
    long size = FrameBuffer.sizeOf(message);
    boolean writable = send(target, message);
    if (events) {
      notifyListener(() -> ctx.listener().messageRelayed(info, direction, (int) size));
    }
    if (!writable) {
      flow.blocked(size);
    }
    return size;
  }

  private static boolean send(WsChannel target, Object message) {
    return message instanceof Text t ? target.sendText(t) : target.sendBinary((ByteBuffer) message);
  }

  private void earlyOverflow() {
    log.info("#{} closing: more than {} bytes of messages before the other side was there",
        info.id(), ctx.limits().earlyBytes());
    String reason = "Too many messages before the upstream connected";
    if (connectFirst) {
      closeBoth(CloseCodes.GOING_AWAY, "Upstream overflowed", EARLY_OVERFLOW_CODE, reason);
    } else {
      closeBoth(EARLY_OVERFLOW_CODE, reason, CloseCodes.GOING_AWAY, "Client overflowed");
    }
  }

  private void queueOverflow(WsChannel receiver, Direction direction, long queued) {
    notifyListener(() -> ctx.listener().queueHighWater(info, direction, queued));
    long max = ctx.limits().maxQueuedBytes();
    log.info("#{} closing: {} bytes queued toward a side that does not read", info.id(), queued);
    String slow = "Outbound queue over " + max + " bytes";
    if (receiver == client) {
      closeBoth(SLOW_CONSUMER_CODE, slow, CloseCodes.GOING_AWAY, "Client too slow");
    } else {
      closeBoth(CloseCodes.TRY_AGAIN_LATER, "Upstream too slow", SLOW_CONSUMER_CODE, slow);
    }
  }

  private void closeIdle() {
    log.debug("#{} idle for {}; closing", info.id(), ctx.limits().idleTimeout());
    closeBoth(CloseCodes.GOING_AWAY, "Idle timeout", CloseCodes.GOING_AWAY, "Idle timeout");
  }

  // ---------------------------------------------------------------- close

  private void closeBoth(int toClientCode, String toClientReason, int toUpstreamCode,
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
        refuse = connectFirst;
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
      decision.complete(new Rejection(503, CloseCodes.forWire(toClientCode), toClientReason));
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

  private void clientClosed(int code, String reason) {
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

  private void upstreamClosed(int code, String reason) {
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
      Closes.mirrorToClient(client, code, reason, ctx.upstreamFailureCloseCode());
      armWatchdog();
    }
    maybeFinish();
  }

  /** Cuts whatever has not finished closing after twice the close timeout. */
  private void armWatchdog() {
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      timers.armWatchdog(ctx.limits().closeTimeout().multipliedBy(2), () -> {
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

  private void maybeFinish() {
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
        ends.closeReason, Duration.ofNanos(System.nanoTime() - startNanos), messagesToUpstream,
        bytesToUpstream, messagesToClient, bytesToClient);
    log.debug("#{} closed: client {}, upstream {}", info.id(), summary.clientCode(),
        summary.upstreamCode());
    notifyListener(() -> ctx.listener().connectionClosed(info, summary));
  }

  private void notifyListener(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      log.warn("ProxyListener threw; ignored", e);
    }
  }

  // ---------------------------------------------------------------- listeners

  private final class ClientSide implements WsListener {
    @Override
    public void onText(WsChannel channel, Text text) {
      fromClient(text);
    }

    @Override
    public void onBinary(WsChannel channel, ByteBuffer data) {
      fromClient(data);
    }

    @Override
    public void onWritable(WsChannel channel) {
      FlowControl f = toClient;
      if (f != null) {
        f.drained();
      }
    }

    @Override
    public void onClose(WsChannel channel, int code, String reason, boolean remote) {
      clientClosed(code, reason == null ? "" : reason);
    }

    @Override
    public void onError(WsChannel channel, Throwable error) {
      log.debug("#{} client error: {}", info.id(), error.toString());
    }
  }

  private final class UpstreamSide implements WsListener {
    @Override
    public void onOpen(WsChannel channel) {
      upstreamOpened(channel);
    }

    @Override
    public void onText(WsChannel channel, Text text) {
      fromUpstream(text);
    }

    @Override
    public void onBinary(WsChannel channel, ByteBuffer data) {
      fromUpstream(data);
    }

    @Override
    public void onWritable(WsChannel channel) {
      FlowControl f = toUpstream;
      if (f != null) {
        f.drained();
      }
    }

    @Override
    public void onClose(WsChannel channel, int code, String reason, boolean remote) {
      upstreamClosed(code, reason == null ? "" : reason);
    }

    @Override
    public void onError(WsChannel channel, Throwable error) {
      log.debug("#{} upstream error: {}", info.id(), error.toString());
    }
  }
}
