package io.wsproxy.gateway.agent;

import java.util.Objects;

/**
 * The host SPIs behind the agent profile of a gateway (see the package comment): enable it with
 * {@link io.wsproxy.gateway.GatewayBuilder#agentProfile}. Immutable.
 *
 * @param runtime       runs {@code agent.send} turns
 * @param tools         what {@code tools.list} and {@code tools.invoke} (and the runtime) see
 * @param conversations where conversations and their history live
 */
public record AgentProfile(AgentRuntime runtime, ToolRegistry tools,
    ConversationStore conversations) {

  /** Messages of history handed to the runtime with each turn: the latest 50. */
  public static final int HISTORY_FOR_TURN = 50;
  /** Longest text {@code agent.send} accepts, in characters: 100,000. */
  public static final int MAX_TEXT_CHARS = 100_000;
  /** Most turns running at once per client: 8. */
  public static final int MAX_RUNS_PER_CLIENT = 8;

  public AgentProfile {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(tools, "tools");
    Objects.requireNonNull(conversations, "conversations");
  }

  /** {@code runtime} and {@code tools} with a new {@link InMemoryConversationStore}. */
  public static AgentProfile inMemory(AgentRuntime runtime, ToolRegistry tools) {
    return new AgentProfile(runtime, tools, new InMemoryConversationStore());
  }
}
