package io.wsproxy.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one admission path of an endpoint (proxy or gateway): the pending-handshake cap, the handshake
 * pipeline (forwarded headers, origin, caps, auth, routing), then a connection slot. Thread-safe.
 *
 * <p>A handshake holds a {@link Ticket} from {@link #admit} until it is opened or abandoned; an
 * accepted one also holds a connection {@link ConnectionLimiter.Permit} until the connection ends,
 * so a client being dialled for already counts against the caps.
 */
public final class Admission {

  private static final Logger log = LoggerFactory.getLogger(Admission.class);

  /** Reason of the 503 when {@link Limits#maxPendingHandshakes()} are being decided already. */
  public static final String TOO_MANY_PENDING = "Too many pending handshakes";

  /**
   * What {@link #admit} decided: an {@code Accept} with its connection permit, or a
   * {@link Rejection} (permit {@code null}).
   */
  public record Outcome(HandshakeDecision decision, ConnectionLimiter.Permit permit) {}

  /** One pending handshake's place under the cap; {@link #release()} is idempotent. */
  public final class Ticket {
    private final AtomicBoolean released = new AtomicBoolean();

    private Ticket() {}

    public void release() {
      if (released.compareAndSet(false, true)) {
        pending.decrementAndGet();
      }
    }
  }

  private final HandshakePipeline pipeline;
  private final ConnectionLimiter limiter;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();

  public Admission(HandshakePipeline pipeline, ConnectionLimiter limiter, Limits limits) {
    this.pipeline = pipeline;
    this.limiter = limiter;
    this.maxPending = limits.maxPendingHandshakes();
  }

  /** A ticket under the pending-handshake cap, or {@code null} when it is full. */
  public Ticket enter() {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      log.debug("refused a handshake: {} pending", maxPending);
      return null;
    }
    return new Ticket();
  }

  /** Runs the pipeline and, for an accepted handshake, takes a connection slot. */
  public CompletionStage<Outcome> admit(HandshakeRequest request) {
    return Stages.thenApply(pipeline.run(request), this::outcome);
  }

  /** The outcome of the pipeline's {@code decision}: an accept takes a connection slot here. */
  private Outcome outcome(HandshakeDecision decision) {
    if (!(decision instanceof HandshakeDecision.Accept accept)) {
      return new Outcome(decision, null);
    }
    ConnectionLimiter.Admission slot = limiter.tryAcquire(accept.clientAddress());
    if (slot instanceof ConnectionLimiter.Refused refused) {
      log.debug("refused {}: {}", accept.clientAddress(), refused.rejection().reason());
      return new Outcome(refused.rejection(), null);
    }
    return new Outcome(accept, (ConnectionLimiter.Permit) slot);
  }

  /** The rejection for a handshake refused by {@link #enter()}. */
  public static Rejection tooManyPending() {
    return Rejection.unavailable(TOO_MANY_PENDING);
  }

  /** Handshakes being decided now. */
  public int pendingHandshakes() {
    return pending.get();
  }

  /** An already-decided stage, for refusals before the pipeline runs. */
  static CompletionStage<HandshakeDecision> decided(HandshakeDecision d) {
    return CompletableFuture.completedFuture(d);
  }
}
