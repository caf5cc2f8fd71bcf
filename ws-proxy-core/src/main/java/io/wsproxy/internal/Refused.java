package io.wsproxy.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.Rejection;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A pending handshake refused before anything ran (caps, shutdown). Immutable. */
public final class Refused implements PendingHandshake {

  private final CompletableFuture<HandshakeDecision> decision;

  private Refused(Rejection rejection) {
    this.decision = CompletableFuture.completedFuture(rejection);
  }

  /** A handshake already refused with {@code rejection}. */
  public static PendingHandshake of(Rejection rejection) {
    return new Refused(rejection);
  }

  @Override
  public CompletionStage<HandshakeDecision> decision() {
    return decision;
  }

  @Override
  public WsListener open(WsChannel client) {
    throw new IllegalStateException("open() after a rejection");
  }

  @Override
  public void abandon() {}
}
