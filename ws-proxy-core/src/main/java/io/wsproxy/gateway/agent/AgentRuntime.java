package io.wsproxy.gateway.agent;

import java.util.concurrent.CompletionStage;

/**
 * The agent behind {@code agent.send}: it runs one turn of a conversation, streams what it does
 * through the turn's event methods ({@link AgentTurn#token}, {@link AgentTurn#toolCall}, ...), and
 * completes with its reply. The gateway appends the user's text to the conversation before the
 * turn and the reply's text after it.
 *
 * <p><b>Cancellation.</b> {@code agent.cancel}, a disconnect or the gateway closing cancels the
 * turn ({@link AgentTurn#cancellation()}): the caller is answered at once with the stop reason
 * {@code cancelled}; the runtime should stop its work, and what it emits or answers afterwards is
 * dropped.
 *
 * <p><b>Threading.</b> Called on the transport thread of the caller's message: return a stage and
 * do slow work elsewhere, never block. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AgentRuntime {

  /** Starts one turn; the stage completes with the reply (or exceptionally to answer an error). */
  CompletionStage<AgentReply> send(AgentTurn turn) throws Exception;
}
