package io.wsproxy.gateway.agent;

import java.util.Objects;

/**
 * The end of an agent turn: the reply's whole text (empty if none) and why the turn stopped.
 *
 * @param text       the reply, appended to the conversation as the {@code assistant} message
 *                   unless empty
 * @param stopReason {@link #END_TURN}, {@link #CANCELLED}, or a runtime's own reason
 */
public record AgentReply(String text, String stopReason) {

  /** The turn ended normally. */
  public static final String END_TURN = "end_turn";
  /** The turn was cancelled. */
  public static final String CANCELLED = "cancelled";

  public AgentReply {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(stopReason, "stopReason");
  }

  /** A reply that ended normally. */
  public static AgentReply of(String text) {
    return new AgentReply(text, END_TURN);
  }
}
