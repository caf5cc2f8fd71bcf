package io.wsproxy.spi;

import io.wsproxy.HandshakeDecision;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One upgrade request in progress at a {@link WsEndpoint}: the transport waits for
 * {@link #decision()} <em>without blocking a thread</em>, answers the client, and then either
 * {@linkplain #open opens} the endpoint with the client's channel or {@linkplain #abandon abandons}
 * the handshake.
 *
 * <p>For a proxy in connect-first mode (the default) the decision completes only after the upstream
 * answered: an {@link HandshakeDecision.Accept} carries the upstream's selected subprotocol in
 * {@link HandshakeDecision.Accept#subprotocol()}; an unreachable upstream, a timeout or an upstream
 * refusal is a {@link io.wsproxy.Rejection} with the matching status (502, 504, the upstream's 4xx).
 *
 * <p><b>Contract.</b> Exactly one of these ends every pending handshake, called once:
 * <ul>
 *   <li>after an {@code Accept}, with the 101 written: {@link #open};</li>
 *   <li>after a {@code Rejection}, once the refusal is written (HTTP status) or the connection is
 *       closed with the rejection's close code ({@link io.wsproxy.RejectionMode#CLOSE_CODE}):
 *       {@link #abandon};</li>
 *   <li>the client left (or the 101 could not be written) before {@link #open}: {@link #abandon},
 *       which cancels an upstream dial in progress and releases the connection slot.</li>
 * </ul>
 * Calling {@link #abandon} after {@link #open} does nothing.
 *
 * <p><b>Threading.</b> Thread-safe. The decision may complete on any thread (an auth validator's, an
 * upstream transport's); a transport that must answer on its own I/O thread moves there itself.
 */
public interface PendingHandshake {

  /** The endpoint's answer; never completes exceptionally (failures are rejections). */
  CompletionStage<HandshakeDecision> decision();

  /**
   * The client's 101 has been written: serve it. Returns the listener for the client channel's
   * events. Only after an {@code Accept}; throws {@link IllegalStateException} otherwise or when
   * called twice.
   */
  WsListener open(WsChannel client);

  /** Gives the handshake up (see the class comment). Idempotent; no-op after {@link #open}. */
  void abandon();

  /**
   * A handshake decided already, for endpoints that decide synchronously (an echo server, a test):
   * {@link #open} calls {@code onOpen} once, after an {@code Accept}; {@link #abandon} does nothing.
   */
  static PendingHandshake decided(HandshakeDecision decision,
      Function<? super WsChannel, ? extends WsListener> onOpen) {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(onOpen, "onOpen");
    CompletableFuture<HandshakeDecision> done = CompletableFuture.completedFuture(decision);
    AtomicBoolean ended = new AtomicBoolean();
    return new PendingHandshake() {
      @Override
      public CompletionStage<HandshakeDecision> decision() {
        return done;
      }

      @Override
      public WsListener open(WsChannel client) {
        if (!(decision instanceof HandshakeDecision.Accept)) {
          throw new IllegalStateException("open() after a rejection");
        }
        if (!ended.compareAndSet(false, true)) {
          throw new IllegalStateException("handshake already opened or abandoned");
        }
        return Objects.requireNonNull(onOpen.apply(client), "onOpen returned null");
      }

      @Override
      public void abandon() {
        ended.set(true);
      }
    };
  }
}
