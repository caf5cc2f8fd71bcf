package io.wsproxy.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectionGroup;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.Direction;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Limits;
import io.wsproxy.Route;
import io.wsproxy.spi.UpstreamRequest;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins one client channel to one upstream channel.
 *
 * <p><b>States.</b> CONNECTING (upstream being dialled; client messages go to a bounded
 * {@link FrameBuffer}; a client that closes meanwhile has its close sent upstream after its
 * messages once the upstream opens, so nothing it sent is lost) → OPEN (relaying both ways) → CLOSING (one side closed; the other is being
 * closed with the mirrored code) → CLOSED (both sides ended, buffers and timers released, the
 * listener told once).
 *
 * <p><b>Threading.</b> Client events arrive on the client transport's thread, upstream events on the
 * upstream transport's; the timer thread runs timeouts. {@link #lock} guards the state, the buffer and
 * the close bookkeeping. Sends happen outside the lock except the early-frame flush, which must not
 * interleave with newer client messages; channel sends never block. Listener (user) code is never
 * called with the lock held.
 */
public final class Bridge implements ConnectionGroup.Member {

  private static final Logger log = LoggerFactory.getLogger(Bridge.class);

  /** Close code for the side that stops reading while the other keeps sending. */
  public static final int SLOW_CONSUMER_CODE = CloseCodes.POLICY_VIOLATION;
  /** Close code for the client when too many frames arrive before the upstream is connected. */
  public static final int EARLY_OVERFLOW_CODE = CloseCodes.TRY_AGAIN_LATER;
  /** How often a paused side's peer queue is checked for draining. */
  static final Duration DRAIN_POLL = Duration.ofMillis(5);
  /** Queue checks happen at least every this many relayed bytes (checks can cost O(queue)). */
  static final long MAX_BYTES_BETWEEN_QUEUE_CHECKS = 256 * 1024;

  private enum State { CONNECTING, OPEN, CLOSING, CLOSED }

  private final BridgeContext ctx;
  private final WsChannel client;
  private final HandshakeDecision.Accept accept;
  private final Route route;
  private final ConnectionInfo info;
  private final List<String> upstreamSubprotocols;
  private final Runnable onClosed;
  private final long queueCheckEvery;
  private final boolean events; // false: no per-message listener calls (no allocation per message)
  private final WsListener clientListener = new ClientSide();
  private final WsListener upstreamListener = new UpstreamSide();

  private final Object lock = new Object();
  // guarded by lock
  private State state = State.CONNECTING;
  private FrameBuffer early;
  private WsChannel upstream;
  private CompletableFuture<WsChannel> connecting;
  private boolean clientEnded;
  private boolean upstreamEnded;
  private int clientCode = CloseCodes.ABNORMAL;
  private String clientReason = "";
  private int upstreamCode = CloseCodes.ABNORMAL;
  private String closeReason = "";
  private ScheduledFuture<?> connectTimer;
  private ScheduledFuture<?> idleTimer;
  private ScheduledFuture<?> watchdog;
  private ScheduledFuture<?> drainPoll;

  // relay counters: each touched only by one side's (sequential) event thread
  private long clientBytesSinceCheck;
  private long upstreamBytesSinceCheck;
  private volatile long lastActivityNanos = System.nanoTime();
  private final long startNanos = System.nanoTime();

  /**
   * @param upstreamSubprotocols what to offer upstream (never a credential-carrying subprotocol)
   * @param onClosed             runs once when both sides have ended (releases the connection slot)
   */
  public Bridge(BridgeContext ctx, long id, WsChannel client, HandshakeDecision.Accept accept,
      List<String> upstreamSubprotocols, Runnable onClosed) {
    this.ctx = ctx;
    this.upstreamSubprotocols = List.copyOf(upstreamSubprotocols);
    this.onClosed = onClosed;
    this.client = client;
    this.accept = accept;
    this.route = accept.route();
    this.info = new ConnectionInfo(id, accept.clientAddress(), accept.request().path(),
        route.upstream(), accept.principal(), accept.subprotocol());
    this.events = ctx.listener() != io.wsproxy.ProxyListener.NONE;
    Limits limits = ctx.limits();
    this.early = new FrameBuffer(limits.earlyFrames(), limits.earlyBytes());
    this.queueCheckEvery = Math.min(limits.maxQueuedBytes() / 8 + 1, MAX_BYTES_BETWEEN_QUEUE_CHECKS);
  }

  /** The listener the transport feeds client events into. */
  public WsListener clientListener() {
    return clientListener;
  }

  /** Joins the groups, dials the upstream and starts the timers. Call once. */
  public void start() {
    ctx.connections().join(this);
    if (route.group() != null) {
      route.group().join(this);
    }
    notifyListener(() -> ctx.listener().connectionOpened(info));
    Limits limits = ctx.limits();
    UpstreamRequest request = new UpstreamRequest(route.upstream(), accept.upstreamHeaders(),
        upstreamSubprotocols,
        limits.connectTimeout(), limits.maxMessageSize(), limits.closeTimeout());
    CompletableFuture<WsChannel> f;
    try {
      f = ctx.connector().connect(request, upstreamListener);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    synchronized (lock) {
      connecting = f;
      // a safety net over the connector's own timeout: early frames never wait longer than this
      connectTimer = ctx.scheduler().schedule(limits.connectTimeout().plusMillis(500),
          () -> connectFailed(new java.util.concurrent.TimeoutException(
              "upstream connect timed out after " + limits.connectTimeout())));
      if (!limits.idleTimeout().isZero()) {
        idleTimer = ctx.scheduler().schedule(limits.idleTimeout(), this::checkIdle);
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

  private void upstreamOpened(WsChannel ch) {
    boolean late;
    boolean clientGone;
    synchronized (lock) {
      late = state != State.CONNECTING;
      clientGone = clientEnded;
      if (!late) {
        upstream = ch;
        cancel(connectTimer);
        early.drainTo(m -> send(ch, m));
        early = null;
        // a client that closed while we dialled: its close is the last early frame
        state = clientGone ? State.CLOSING : State.OPEN;
      }
    }
    if (late) {
      // the bridge was closed (shutdown, session end, overflow, connect timeout) while we dialled
      ch.close(CloseCodes.GOING_AWAY, "Client went away");
      return;
    }
    Duration latency = Duration.ofNanos(System.nanoTime() - startNanos);
    log.debug("#{} upstream {} connected in {} ms", info.id(), route.upstream(), latency.toMillis());
    notifyListener(() -> ctx.listener().upstreamConnected(info, latency));
    if (clientGone) {
      mirrorClientClose(ch);
    }
  }

  private void connectFailed(Throwable error) {
    boolean clientOpen;
    synchronized (lock) {
      if (state != State.CONNECTING) {
        return;
      }
      clientOpen = !clientEnded;
      state = State.CLOSING;
      upstreamEnded = true;
      cancel(connectTimer);
      early.clear();
      early = null;
      closeReason = "Bad Gateway";
    }
    Throwable cause = error instanceof java.util.concurrent.CompletionException
        && error.getCause() != null ? error.getCause() : error;
    log.info("#{} upstream {} failed: {}", info.id(), route.upstream(), cause.toString());
    notifyListener(() -> ctx.listener().upstreamFailed(info, cause));
    if (clientOpen) {
      client.close(ctx.upstreamFailureCloseCode(), "Bad Gateway");
      armWatchdog();
    }
    maybeFinish();
  }

  // ---------------------------------------------------------------- relay

  private void fromClient(Object message) {
    lastActivityNanos = System.nanoTime();
    WsChannel target;
    boolean overflow = false;
    synchronized (lock) {
      if (state == State.CONNECTING) {
        overflow = !early.offer(message);
        if (!overflow) {
          return;
        }
        target = null;
      } else if (state != State.OPEN) {
        return; // closing: the client's frames after its peer left are dropped with the connection
      } else {
        target = upstream;
      }
    }
    if (overflow) {
      // client events are sequential, so no newer frame can slip in before this close
      log.info("#{} closing: more than {} frames / {} bytes before the upstream connected",
          info.id(), ctx.limits().earlyFrames(), ctx.limits().earlyBytes());
      closeBoth(EARLY_OVERFLOW_CODE, "Too many messages before the upstream connected",
          CloseCodes.GOING_AWAY, "Client overflowed");
      return;
    }
    int size = (int) FrameBuffer.sizeOf(message);
    send(target, message);
    if (events) {
      notifyListener(() -> ctx.listener().messageRelayed(info, Direction.CLIENT_TO_UPSTREAM, size));
    }
    clientBytesSinceCheck += size;
    if (clientBytesSinceCheck >= queueCheckEvery) {
      clientBytesSinceCheck = 0;
      checkQueue(target, client, Direction.CLIENT_TO_UPSTREAM);
    }
  }

  private void fromUpstream(WsChannel ch, Object message) {
    lastActivityNanos = System.nanoTime();
    synchronized (lock) {
      if (state != State.OPEN) {
        return;
      }
    }
    int size = (int) FrameBuffer.sizeOf(message);
    send(client, message);
    if (events) {
      notifyListener(() -> ctx.listener().messageRelayed(info, Direction.UPSTREAM_TO_CLIENT, size));
    }
    upstreamBytesSinceCheck += size;
    if (upstreamBytesSinceCheck >= queueCheckEvery) {
      upstreamBytesSinceCheck = 0;
      checkQueue(client, ch, Direction.UPSTREAM_TO_CLIENT);
    }
  }

  private static void send(WsChannel target, Object message) {
    if (message instanceof String s) {
      target.sendText(s);
    } else {
      target.sendBinary((ByteBuffer) message);
    }
  }

  /**
   * {@code receiver}'s outbound queue is filled by {@code sender}'s messages. Past the high-water
   * mark, pause the sender where its transport can (resume below half), else close the receiver:
   * it is not reading and its queue must not grow without bound.
   */
  private void checkQueue(WsChannel receiver, WsChannel sender, Direction direction) {
    long queued = receiver.queuedBytes();
    long max = ctx.limits().maxQueuedBytes();
    if (queued <= max) {
      return;
    }
    notifyListener(() -> ctx.listener().queueHighWater(info, direction, queued));
    if (sender.canPauseReading()) {
      synchronized (lock) {
        if (state != State.OPEN || drainPoll != null) {
          return;
        }
        sender.pauseReading();
        drainPoll = ctx.scheduler().every(DRAIN_POLL, () -> resumeWhenDrained(receiver, sender));
      }
      log.debug("#{} paused {} reading: {} bytes queued", info.id(), direction, queued);
      return;
    }
    log.info("#{} closing: {} bytes queued toward a side that does not read", info.id(), queued);
    String slow = "Outbound queue over " + max + " bytes";
    if (receiver == client) {
      closeBoth(SLOW_CONSUMER_CODE, slow, CloseCodes.GOING_AWAY, "Client too slow");
    } else {
      closeBoth(CloseCodes.TRY_AGAIN_LATER, "Upstream too slow", SLOW_CONSUMER_CODE, slow);
    }
  }

  private void resumeWhenDrained(WsChannel receiver, WsChannel sender) {
    if (receiver.queuedBytes() > ctx.limits().maxQueuedBytes() / 2) {
      return;
    }
    synchronized (lock) {
      cancel(drainPoll);
      drainPoll = null;
      if (state != State.OPEN) {
        return;
      }
    }
    sender.resumeReading();
  }

  private void checkIdle() {
    Duration idle = ctx.limits().idleTimeout();
    long quietNanos = System.nanoTime() - lastActivityNanos;
    if (quietNanos >= idle.toNanos()) {
      log.debug("#{} idle for {}; closing", info.id(), idle);
      closeBoth(CloseCodes.GOING_AWAY, "Idle timeout", CloseCodes.GOING_AWAY, "Idle timeout");
      return;
    }
    synchronized (lock) {
      if (state == State.OPEN || state == State.CONNECTING) {
        idleTimer = ctx.scheduler().schedule(idle.minusNanos(quietNanos), this::checkIdle);
      }
    }
  }

  // ---------------------------------------------------------------- close

  private void closeBoth(int clientCloseCode, String toClientReason, int upstreamCloseCode,
      String toUpstreamReason) {
    WsChannel up;
    boolean closeClient;
    boolean closeUpstream;
    CompletableFuture<WsChannel> pending;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      closeClient = !clientEnded;
      closeUpstream = !upstreamEnded && upstream != null;
      up = upstream;
      pending = abandonConnect(); // nothing to close yet; a late open is closed in upstreamOpened
      state = State.CLOSING;
      if (closeReason.isEmpty()) {
        closeReason = toClientReason;
      }
    }
    cancelOutsideLock(pending);
    if (closeClient) {
      client.close(clientCloseCode, toClientReason);
    }
    if (closeUpstream) {
      up.close(upstreamCloseCode, toUpstreamReason);
    }
    armWatchdog();
    maybeFinish();
  }

  private void clientClosed(int code, String reason) {
    WsChannel up;
    boolean closeUpstream;
    synchronized (lock) {
      if (clientEnded) {
        return;
      }
      clientEnded = true;
      clientCode = code;
      clientReason = reason;
      if (closeReason.isEmpty()) {
        closeReason = reason;
      }
      if (state == State.CONNECTING) {
        // keep dialling: what the client sent, and its close, go upstream once it opens
        return;
      }
      closeUpstream = !upstreamEnded && upstream != null && state != State.CLOSING;
      up = upstream;
      if (state != State.CLOSED) {
        state = State.CLOSING;
      }
    }
    if (closeUpstream) {
      mirrorClientClose(up);
    }
    maybeFinish();
  }

  /** Closes the upstream with the client's close: 1006 (vanished) → 1001, 1005 → 1000. */
  private void mirrorClientClose(WsChannel up) {
    int code;
    String reason;
    synchronized (lock) {
      code = clientCode;
      reason = clientReason;
    }
    // the channel maps what its transport cannot send
    up.close(code == CloseCodes.ABNORMAL ? CloseCodes.GOING_AWAY : CloseCodes.forWire(code),
        code == CloseCodes.ABNORMAL ? "Client went away" : reason);
    armWatchdog();
  }

  private void upstreamClosed(int code, String reason) {
    boolean closeClient;
    synchronized (lock) {
      if (upstreamEnded) {
        return;
      }
      upstreamEnded = true;
      upstreamCode = code;
      if (closeReason.isEmpty()) {
        closeReason = reason;
      }
      closeClient = !clientEnded && state != State.CLOSING;
      if (state != State.CLOSED) {
        state = State.CLOSING;
      }
    }
    if (closeClient) {
      if (code == CloseCodes.ABNORMAL || code == CloseCodes.TLS_HANDSHAKE) {
        client.close(ctx.upstreamFailureCloseCode(), "Upstream connection lost");
      } else {
        client.close(CloseCodes.forWire(code), reason);
      }
      armWatchdog();
    }
    maybeFinish();
  }

  /** Cuts whatever has not finished closing after twice the close timeout. */
  private void armWatchdog() {
    synchronized (lock) {
      if (watchdog != null || state == State.CLOSED) {
        return;
      }
      watchdog = ctx.scheduler().schedule(ctx.limits().closeTimeout().multipliedBy(2), () -> {
        WsChannel up;
        boolean abortClient;
        boolean abortUpstream;
        synchronized (lock) {
          abortClient = !clientEnded;
          abortUpstream = !upstreamEnded && upstream != null;
          up = upstream;
          clientEnded = true;
          upstreamEnded = true;
        }
        if (abortClient) {
          client.abort();
        }
        if (abortUpstream) {
          up.abort();
        }
        maybeFinish();
      });
    }
  }

  private void maybeFinish() {
    int cc;
    int uc;
    String reason;
    synchronized (lock) {
      if (state == State.CLOSED || !clientEnded || !upstreamEnded) {
        return;
      }
      state = State.CLOSED;
      cancel(connectTimer);
      cancel(idleTimer);
      cancel(watchdog);
      cancel(drainPoll);
      if (early != null) {
        early.clear();
        early = null;
      }
      cc = clientCode;
      uc = upstreamCode;
      reason = closeReason;
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
    log.debug("#{} closed: client {}, upstream {}", info.id(), cc, uc);
    notifyListener(() -> ctx.listener().connectionClosed(info, cc, uc, reason));
  }

  /**
   * If still connecting: gives the upstream up (a late open is closed in upstreamOpened) and returns
   * the connect future to cancel once the lock is released (cancelling runs its callbacks).
   */
  private CompletableFuture<WsChannel> abandonConnect() {
    // called with the lock held
    if (state != State.CONNECTING) {
      return null;
    }
    upstreamEnded = true;
    early.clear();
    cancel(connectTimer);
    return connecting;
  }

  private static void cancelOutsideLock(CompletableFuture<WsChannel> pending) {
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
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
    public void onText(WsChannel channel, String text) {
      fromClient(text);
    }

    @Override
    public void onBinary(WsChannel channel, ByteBuffer data) {
      fromClient(data);
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
    public void onText(WsChannel channel, String text) {
      fromUpstream(channel, text);
    }

    @Override
    public void onBinary(WsChannel channel, ByteBuffer data) {
      fromUpstream(channel, data);
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
