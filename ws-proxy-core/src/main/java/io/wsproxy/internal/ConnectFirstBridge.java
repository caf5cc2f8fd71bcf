package io.wsproxy.internal;

import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectionInfo;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Rejection;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Bridge} in connect-first mode: it dials before the client is answered, completes
 * {@link #decision()} with the upstream's answer (its subprotocol, or the status the client is
 * refused with), holds the upstream's early messages (or pauses it) until the transport
 * {@linkplain #attachClient attaches} the client whose 101 it wrote, and cancels the dial or closes
 * the upstream when the client is {@linkplain #abandon abandoned} first.
 *
 * <p><b>Threading.</b> As {@link Bridge}; {@link #attachClient} and {@link #abandon} run on the client
 * transport's thread.
 */
final class ConnectFirstBridge extends Bridge {

  private static final Logger log = LoggerFactory.getLogger(Bridge.class);

  // completed with the client's answer; dropped with accept once the client is attached
  private CompletableFuture<HandshakeDecision> decision = new CompletableFuture<>();

  private ConnectFirstBridge(BridgeContext ctx, long id, HandshakeDecision.Accept accept,
      Object affinity, Runnable onClosed) {
    super(ctx, id, accept, null, affinity, onClosed);
  }

  /** Dials now with {@code offer}; {@link #decision()} completes once the upstream answered. */
  static ConnectFirstBridge start(BridgeContext ctx, long id, HandshakeDecision.Accept accept,
      List<String> offer, Object affinity, Runnable onClosed) {
    ConnectFirstBridge b = new ConnectFirstBridge(ctx, id, accept, affinity, onClosed);
    b.notifyListener(() -> ctx.listener().connectionOpened(b.info()));
    b.start(offer);
    return b;
  }

  /** The decision for the client (an Accept with the upstream's subprotocol, or a Rejection). */
  CompletableFuture<HandshakeDecision> decision() {
    return decision;
  }

  @Override
  void openedLocked(WsChannel ch) {
    if (ch.canPauseReading()) {
      ch.pauseReading(); // resumed once the client is attached
    }
    state = State.AWAITING_CLIENT;
  }

  @Override
  void opened(WsChannel ch) {
    decide(acceptWith(ch.subprotocol()));
  }

  @Override
  void failed(Rejection rejection, boolean clientOpen) {
    decide(rejection);
  }

  @Override
  void refused(Rejection rejection) {
    decide(rejection);
  }

  /** Completes the decision, unless the client was attached already (it has been answered). */
  private void decide(HandshakeDecision d) {
    CompletableFuture<HandshakeDecision> f = decision;
    if (f != null) {
      f.complete(d);
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

  /** Connect-first: the client's 101 is written; starts relaying. Call once, after an Accept. */
  WsListener attachClient(WsChannel c) {
    boolean closeNow;
    boolean mirrorUpstreamClose;
    WsChannel up;
    synchronized (lock) {
      if (client != null) {
        throw new IllegalStateException("client already attached");
      }
      client = c;
      accept = null; // answered: an open connection keeps no request headers
      decision = null;
      info = new ConnectionInfo(info.id(), info.clientAddress(), info.path(), info.upstream(),
          info.principal(), c.subprotocol());
      up = upstream;
      closeNow = state == State.CLOSING && ends.hasPendingClientClose(); // closed while awaiting
      mirrorUpstreamClose = state == State.AWAITING_CLIENT && ends.upstream;
      if (state == State.AWAITING_CLIENT) {
        flows();
        early.drainTo(m -> relay.flushToClient(c, m));
        state = ends.upstream ? State.CLOSING : State.OPEN;
      } else if (state != State.CLOSING) {
        throw new IllegalStateException("attachClient in state " + state);
      }
    }
    if (mirrorUpstreamClose) {
      Closes.mirrorToClient(c, ends.upstreamCode, ends.upstreamReason,
          upstreamFailureCloseCode);
      armWatchdog();
    } else if (closeNow) {
      Closes.close(c, ends.pendingClientCode, ends.pendingClientReason);
      armWatchdog();
    } else if (up.canPauseReading()) {
      up.resumeReading();
    }
    return relay.clientListener;
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
      decide(Rejection.unavailable(Closes.CLIENT_WENT_AWAY));
    }
    if (up != null) {
      Closes.close(up, CloseCodes.GOING_AWAY, Closes.CLIENT_WENT_AWAY);
      armWatchdog();
    }
    maybeFinish();
  }
}
