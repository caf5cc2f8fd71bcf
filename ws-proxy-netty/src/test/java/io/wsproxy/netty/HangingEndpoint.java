package io.wsproxy.netty;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.RejectionMode;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/** An endpoint whose handshakes never decide; it records being asked and abandoned. */
public final class HangingEndpoint implements WsEndpoint {
  private final CountDownLatch asked;
  private final CountDownLatch abandoned;
  private final Limits limits;

  public HangingEndpoint(CountDownLatch asked, CountDownLatch abandoned) {
    this(asked, abandoned, Limits.DEFAULTS);
  }

  public HangingEndpoint(CountDownLatch asked, CountDownLatch abandoned, Limits limits) {
    this.asked = asked;
    this.abandoned = abandoned;
    this.limits = limits;
  }

  @Override
  public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
    asked.countDown();
    return new PendingHandshake() {
      @Override
      public CompletionStage<HandshakeDecision> decision() {
        return new CompletableFuture<>();
      }

      @Override
      public WsListener open(WsChannel client) {
        throw new IllegalStateException("never decided");
      }

      @Override
      public void abandon() {
        abandoned.countDown();
      }
    };
  }

  @Override
  public Limits limits() {
    return limits;
  }

  @Override
  public RejectionMode rejectionMode() {
    return RejectionMode.HTTP_STATUS;
  }
}
