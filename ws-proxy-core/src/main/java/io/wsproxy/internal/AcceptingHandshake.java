package io.wsproxy.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The pending handshake of an endpoint that has nothing to dial before answering (the gateway, and
 * the proxy in accept-first mode): the decision is the {@link Admission}'s; {@link #open} hands the
 * client and its connection permit to the endpoint. Thread-safe.
 */
public final class AcceptingHandshake implements PendingHandshake {

  /** What serves an accepted client; it owns {@code permit} from then on and releases it at the end. */
  @FunctionalInterface
  public interface Opener {
    WsListener open(WsChannel client, HandshakeDecision.Accept accept,
        ConnectionLimiter.Permit permit);
  }

  private final CompletableFuture<Admission.Outcome> outcome;
  private final Admission.Ticket ticket;
  private final Opener opener;
  private final Object lock = new Object();
  private boolean ended; // guarded by lock: opened or abandoned

  private AcceptingHandshake(CompletableFuture<Admission.Outcome> outcome, Admission.Ticket ticket,
      Opener opener) {
    this.outcome = outcome;
    this.ticket = ticket;
    this.opener = opener;
  }

  /** Starts the admission of {@code request}; {@code opener} serves it once opened. */
  public static PendingHandshake start(Admission admission, HandshakeRequest request,
      Opener opener) {
    Admission.Ticket ticket = admission.enter();
    if (ticket == null) {
      return Refused.of(Admission.tooManyPending());
    }
    CompletableFuture<Admission.Outcome> outcome =
        admission.admit(request).toCompletableFuture();
    return new AcceptingHandshake(outcome, ticket, opener);
  }

  @Override
  public CompletionStage<HandshakeDecision> decision() {
    return outcome.thenApply(Admission.Outcome::decision);
  }

  @Override
  public WsListener open(WsChannel client) {
    Admission.Outcome o = outcome.getNow(null);
    if (o == null || !(o.decision() instanceof HandshakeDecision.Accept accept)) {
      throw new IllegalStateException("open() before an Accept decision");
    }
    synchronized (lock) {
      if (ended) {
        throw new IllegalStateException("handshake already opened or abandoned");
      }
      ended = true;
    }
    ticket.release();
    return opener.open(client, accept, o.permit());
  }

  @Override
  public void abandon() {
    synchronized (lock) {
      if (ended) {
        return;
      }
      ended = true;
    }
    ticket.release();
    // a decision still to come gives its permit back when it arrives
    outcome.thenAccept(o -> {
      if (o.permit() != null) {
        o.permit().release();
      }
    });
  }
}
