package io.wsproxy.internal;

import io.wsproxy.ConnectMode;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Route;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One proxied upgrade request in progress: admission (pipeline and caps), then, in connect-first
 * mode, the upstream dial through a {@link Bridge} whose decision becomes this handshake's; in
 * accept-first mode the decision is the admission's and the bridge is made at {@link #open}.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #lock} orders {@link #abandon} against an admission that
 * completes at the same time, so a client that left never gets a dial.
 */
public final class ProxyHandshake implements PendingHandshake {

  private final BridgeContext ctx;
  private final Admission.Ticket ticket;
  private final Object affinity;
  private final CompletableFuture<HandshakeDecision> decision = new CompletableFuture<>();
  private final Object lock = new Object();
  // guarded by lock
  private Admission.Outcome admitted;
  private ConnectFirstBridge bridge;
  private boolean ended;

  private ProxyHandshake(BridgeContext ctx, Admission.Ticket ticket, Object affinity) {
    this.ctx = ctx;
    this.ticket = ticket;
    this.affinity = affinity;
  }

  /** A handshake refused before admission (the proxy is closed). */
  public static PendingHandshake refused(io.wsproxy.Rejection rejection) {
    return Refused.of(rejection);
  }

  /** Starts the handshake of {@code request}. */
  public static PendingHandshake start(BridgeContext ctx, Admission admission,
      HandshakeRequest request, Object affinity) {
    Admission.Ticket ticket = admission.enter();
    if (ticket == null) {
      return Refused.of(Admission.tooManyPending());
    }
    ProxyHandshake h = new ProxyHandshake(ctx, ticket, affinity);
    CompletionStage<Admission.Outcome> admitted = admission.admit(request);
    Admission.Outcome now = Stages.now(admitted);
    if (now != null) {
      h.admitted(now); // the usual case: decided at once, no stage to chain on
    } else {
      admitted.whenComplete((outcome, error) -> h.admitted(outcome));
    }
    return h;
  }

  private void admitted(Admission.Outcome outcome) {
    if (!(outcome.decision() instanceof HandshakeDecision.Accept accept)) {
      decision.complete(outcome.decision());
      return;
    }
    Route route = accept.route();
    ConnectMode mode = route.connectMode() != null ? route.connectMode() : ctx.defaultMode();
    ConnectFirstBridge b = null;
    synchronized (lock) {
      admitted = outcome;
      if (ended) {
        outcome.permit().release(); // the client left while the pipeline ran: nothing to dial
        return;
      }
      if (mode == ConnectMode.CONNECT_FIRST) {
        List<String> offer = route.allowed(accept.request().subprotocols());
        b = ConnectFirstBridge.start(ctx, ctx.ids().incrementAndGet(), accept, offer, affinity,
            outcome.permit()::release);
        bridge = b;
      }
    }
    if (b == null) {
      decision.complete(accept);
    } else {
      b.decision().thenAccept(decision::complete);
    }
  }

  @Override
  public CompletionStage<HandshakeDecision> decision() {
    return decision;
  }

  @Override
  public WsListener open(WsChannel client) {
    HandshakeDecision d = decision.getNow(null);
    if (!(d instanceof HandshakeDecision.Accept accept)) {
      throw new IllegalStateException("open() before an Accept decision");
    }
    ConnectFirstBridge b;
    Admission.Outcome outcome;
    synchronized (lock) {
      if (ended) {
        throw new IllegalStateException("handshake already opened or abandoned");
      }
      ended = true;
      b = bridge;
      outcome = admitted;
    }
    ticket.release();
    if (b != null) {
      return b.attachClient(client);
    }
    String sub = accept.route().negotiate(accept.request().subprotocols());
    Bridge accepted = AcceptFirstBridge.start(ctx, ctx.ids().incrementAndGet(), accept, client,
        sub == null ? List.of() : List.of(sub), affinity, outcome.permit()::release);
    return accepted.clientListener();
  }

  @Override
  public void abandon() {
    ConnectFirstBridge b;
    Admission.Outcome outcome;
    synchronized (lock) {
      if (ended) {
        return;
      }
      ended = true;
      b = bridge;
      outcome = admitted;
    }
    ticket.release();
    if (b != null) {
      b.abandon(); // cancels the dial or closes the upstream; the permit goes back at the end
    } else if (outcome != null && outcome.permit() != null) {
      outcome.permit().release(); // accept-first, never opened
    }
  }
}
