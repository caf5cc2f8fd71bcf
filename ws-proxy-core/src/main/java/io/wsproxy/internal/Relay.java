package io.wsproxy.internal;

import io.wsproxy.CloseCodes;
import io.wsproxy.Direction;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data half of a {@link Bridge}: the listeners the two transports feed, the relay of messages
 * both ways (the OPEN fast path takes no lock and allocates nothing beyond what the transports
 * hand over), the per-direction counters, and the policies for a side that sends too much
 * (early-buffer overflow, a queue that passes its bound, idleness). Lifecycle events go to the
 * bridge.
 *
 * <p><b>Threading.</b> Client events on the client transport's thread, upstream events on the
 * upstream's; each counter is written by one of them only.
 */
final class Relay implements FlowControl.Overflow {

  private static final Logger log = LoggerFactory.getLogger(Bridge.class);

  private final Bridge bridge;
  private final BridgeContext ctx;
  private final boolean events; // false: no per-message listener calls (no allocation per message)
  final WsListener clientListener = new ClientSide();
  final WsListener upstreamListener = new UpstreamSide();
  // message counters: each bumped (with a release store, see bump) by one side's event thread only,
  // read by the timers and at the end; pong counters likewise, for the keepalive. Fields with
  // VarHandles, not AtomicLongs: four fewer objects live per connection.
  private volatile long fromClient;
  private volatile long fromUpstream;
  private volatile long clientPongs;
  private volatile long upstreamPongs;
  private static final VarHandle FROM_CLIENT = counter("fromClient");
  private static final VarHandle FROM_UPSTREAM = counter("fromUpstream");
  private static final VarHandle CLIENT_PONGS = counter("clientPongs");
  private static final VarHandle UPSTREAM_PONGS = counter("upstreamPongs");
  // each written by one side's event thread only (or under the bridge's lock before OPEN)
  long bytesToUpstream;
  long bytesToClient;

  Relay(Bridge bridge, BridgeContext ctx) {
    this.bridge = bridge;
    this.ctx = ctx;
    this.events = ctx.listener() != io.wsproxy.ProxyListener.NONE;
  }

  private static VarHandle counter(String name) {
    try {
      return MethodHandles.lookup().findVarHandle(Relay.class, name, long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Adds one to a counter field. Only its own side's event thread writes it, so a plain read and
   * a release store (what {@code AtomicLong.lazySet} did) suffice: no locked instruction per
   * message, and readers on other threads see a recent value.
   */
  private void bump(VarHandle counter) {
    counter.setRelease(this, (long) counter.get(this) + 1);
  }

  /** Activity counter for the idle timer: messages either way. */
  int activity() {
    return (int) (fromClient + fromUpstream);
  }

  /** What the client was heard saying (messages and pongs), for the keepalive. */
  long heardFromClient() {
    return fromClient + clientPongs;
  }

  /** What the upstream was heard saying, for the keepalive. */
  long heardFromUpstream() {
    return fromUpstream + upstreamPongs;
  }

  long messagesToUpstream() {
    return fromClient;
  }

  long messagesToClient() {
    return fromUpstream;
  }

  private void fromClient(Object message) {
    if (bridge.isOpen() || bridge.holdOrDrop(message, Bridge.State.DIALING)) {
      bump(FROM_CLIENT);
      bytesToUpstream += relay(bridge.upstream(), message, bridge.toUpstream(),
          Direction.CLIENT_TO_UPSTREAM);
    }
  }

  private void fromUpstream(Object message) {
    if (bridge.isOpen() || bridge.holdOrDrop(message, Bridge.State.AWAITING_CLIENT)) {
      bump(FROM_UPSTREAM);
      bytesToClient += relay(bridge.client(), message, bridge.toClient(),
          Direction.UPSTREAM_TO_CLIENT);
    }
  }

  /** Sends {@code message} on; answers its size. */
  private long relay(WsChannel target, Object message, FlowControl flow, Direction direction) {
    long size = FrameBuffer.sizeOf(message);
    boolean writable = send(target, message);
    if (events) {
      // called directly, not through a lambda: nothing is allocated per message
      try {
        ctx.listener().messageRelayed(bridge.info(), direction, (int) size);
      } catch (RuntimeException e) {
        log.warn("ProxyListener threw; ignored", e);
      }
    }
    if (!writable) {
      flow.blocked(size);
    }
    return size;
  }

  /** Flushes one held message toward the upstream (accept-first), counting it. */
  void flushToUpstream(WsChannel upstream, Object message) {
    bump(FROM_CLIENT);
    bytesToUpstream += FrameBuffer.sizeOf(message);
    send(upstream, message);
  }

  /** Flushes one held message toward the client (connect-first), counting it. */
  void flushToClient(WsChannel client, Object message) {
    bump(FROM_UPSTREAM);
    bytesToClient += FrameBuffer.sizeOf(message);
    send(client, message);
  }

  private static boolean send(WsChannel target, Object message) {
    return message instanceof Text t ? target.sendText(t) : target.sendBinary((ByteBuffer) message);
  }

  /** The early buffer is full: close the side that sent too much. */
  void earlyOverflow(boolean fromUpstream) {
    log.info("#{} closing: more than {} bytes of messages before the other side was there",
        bridge.info().id(), ctx.limits().earlyBytes());
    String reason = "Too many messages before the upstream connected";
    if (fromUpstream) {
      bridge.closeBoth(CloseCodes.GOING_AWAY, "Upstream overflowed", Bridge.EARLY_OVERFLOW_CODE,
          reason);
    } else {
      bridge.closeBoth(Bridge.EARLY_OVERFLOW_CODE, reason, CloseCodes.GOING_AWAY,
          "Client overflowed");
    }
  }

  /** A receiver stopped being writable and its sender was paused: worth a metric, nothing more. */
  @Override
  public void paused(WsChannel receiver, Direction direction) {
    if (events) {
      long queued = receiver.queuedBytes();
      bridge.notifyListener(() -> ctx.listener().queueHighWater(bridge.info(), direction, queued));
    }
  }

  /** A side that cannot pause outran a receiver that does not read: close the slow one. */
  @Override
  public void queueOverflow(WsChannel receiver, Direction direction, long queued) {
    bridge.notifyListener(() -> ctx.listener().queueHighWater(bridge.info(), direction, queued));
    long max = ctx.limits().maxQueuedBytes();
    log.info("#{} closing: {} bytes queued toward a side that does not read", bridge.info().id(),
        queued);
    String slow = "Outbound queue over " + max + " bytes";
    if (receiver == bridge.client()) {
      bridge.closeBoth(Bridge.SLOW_CONSUMER_CODE, slow, CloseCodes.GOING_AWAY, "Client too slow");
    } else {
      bridge.closeBoth(CloseCodes.TRY_AGAIN_LATER, "Upstream too slow", Bridge.SLOW_CONSUMER_CODE,
          slow);
    }
  }

  /** Keepalive of one leg: ping it, or cut it when it froze. */
  Keepalive.Leg leg(boolean clientLeg) {
    String name = clientLeg ? "client" : "upstream";
    return new Keepalive.Leg() {
      @Override
      public void ping(ByteBuffer payload) {
        (clientLeg ? bridge.client() : bridge.upstream()).sendPing(payload);
      }

      @Override
      public void frozen() {
        log.info("#{} {} sent nothing, not even a pong, for two keepalive intervals; closing",
            bridge.info().id(), name);
        legFroze(clientLeg);
      }
    };
  }

  /**
   * A leg froze: cut it and close the other with what it means — a frozen client closes its
   * upstream with 1001, a frozen upstream closes its client with the upstream-failure code.
   */
  private void legFroze(boolean clientLeg) {
    if (!bridge.isOpen()) {
      return;
    }
    WsChannel dead = clientLeg ? bridge.client() : bridge.upstream();
    if (clientLeg) {
      bridge.closeBoth(CloseCodes.GOING_AWAY, "Client unresponsive", CloseCodes.GOING_AWAY,
          "Client unresponsive");
    } else {
      bridge.closeBoth(bridge.upstreamFailureCloseCode, "Upstream unresponsive",
          CloseCodes.GOING_AWAY, "Upstream unresponsive");
    }
    dead.abort(); // it answers nothing: waiting for its close would only hold the slot
  }

  /** Nothing moved for the idle timeout. */
  void closeIdle() {
    log.debug("#{} idle for {}; closing", bridge.info().id(), ctx.limits().idleTimeout());
    bridge.closeBoth(CloseCodes.GOING_AWAY, "Idle timeout", CloseCodes.GOING_AWAY,
        "Idle timeout");
  }

  private static void drained(FlowControl flow) {
    if (flow != null) {
      flow.drained();
    }
  }

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
      drained(bridge.toClient());
    }

    @Override
    public void onPong(WsChannel channel, ByteBuffer data) {
      bump(CLIENT_PONGS);
    }

    @Override
    public void onClose(WsChannel channel, int code, String reason, boolean remote) {
      bridge.clientClosed(code, reason == null ? "" : reason);
    }

    @Override
    public void onError(WsChannel channel, Throwable error) {
      log.debug("#{} client error: {}", bridge.info().id(), error.toString());
    }
  }

  private final class UpstreamSide implements WsListener {
    @Override
    public void onOpen(WsChannel channel) {
      bridge.upstreamOpened(channel);
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
      drained(bridge.toUpstream());
    }

    @Override
    public void onPong(WsChannel channel, ByteBuffer data) {
      bump(UPSTREAM_PONGS);
    }

    @Override
    public void onClose(WsChannel channel, int code, String reason, boolean remote) {
      bridge.upstreamClosed(code, reason == null ? "" : reason);
    }

    @Override
    public void onError(WsChannel channel, Throwable error) {
      log.debug("#{} upstream error: {}", bridge.info().id(), error.toString());
    }
  }
}
