package io.wsproxy;

import java.util.concurrent.CompletionStage;

/**
 * What a transport adapter serves: a {@link WebSocketProxy} or a gateway. The adapter calls
 * {@link #handshake} for every upgrade request, refuses it or completes it, and then calls
 * {@link #open} with the client's channel and feeds the returned listener every client event.
 *
 * <p><b>Threading.</b> Both methods are thread-safe and are called on the transport's threads;
 * {@code handshake} may complete on another thread (an asynchronous auth validator's).
 */
public interface WsEndpoint {

  /** Runs the handshake pipeline; the stage never completes exceptionally (failures reject). */
  CompletionStage<HandshakeDecision> handshake(HandshakeRequest request);

  /** Starts serving an accepted client; returns the listener for the client channel's events. */
  WsListener open(WsChannel client, HandshakeDecision.Accept accept);

  /** The limits the transport must apply (frame size, message size, timeouts). */
  Limits limits();

  /** How the transport tells a client its handshake was refused. */
  RejectionMode rejectionMode();
}
