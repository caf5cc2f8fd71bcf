package io.wsproxy.gateway.agent;

import java.time.Instant;
import java.util.Objects;

/**
 * One message of a conversation. Immutable.
 *
 * @param seq  its position, from 1, increasing within the conversation (pages are cut by it)
 * @param role {@link #USER} or {@link #ASSISTANT} (or a store's own)
 * @param text the message
 * @param at   when it was appended
 */
public record ConversationMessage(long seq, String role, String text, Instant at) {

  /** The role of what a user sent. */
  public static final String USER = "user";
  /** The role of an agent's reply. */
  public static final String ASSISTANT = "assistant";

  public ConversationMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(at, "at");
  }
}
