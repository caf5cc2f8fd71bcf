package io.wsproxy.gateway.agent;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of one conversation of a {@link ConversationStore}. Immutable.
 *
 * @param id           the conversation id ({@code c-} and a random UUID in the in-memory store)
 * @param owner        the principal name of whoever created it; only they see it
 * @param title        a label, possibly empty
 * @param createdAt    when it was created
 * @param updatedAt    when its last message was appended
 * @param messageCount messages appended since creation (older ones may have been dropped)
 */
public record Conversation(String id, String owner, String title, Instant createdAt,
    Instant updatedAt, long messageCount) {

  public Conversation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
