package io.wsproxy.gateway.agent;

import java.util.List;
import java.util.Optional;

/**
 * Where the agent profile keeps conversations and their history ({@code sessions.create},
 * {@code sessions.list}, {@code sessions.history}, and what {@code agent.send} appends).
 * {@link InMemoryConversationStore} is a ready, bounded implementation; a host may back it with a
 * database, keeping every method fast or answering from a cache (the gateway calls it on transport
 * threads).
 *
 * <p><b>Threading.</b> Implementations must be thread-safe and must not block for long.
 */
public interface ConversationStore {

  /** Most messages one history page holds. */
  int MAX_PAGE = 200;

  /** Creates a conversation owned by {@code owner}. */
  Conversation create(String owner, String title);

  /** One conversation by id. */
  Optional<Conversation> get(String conversationId);

  /** {@code owner}'s conversations, most recently updated first, at most {@code limit}. */
  List<Conversation> list(String owner, int limit);

  /**
   * Appends a message; answers it with its {@code seq}.
   *
   * @throws java.util.NoSuchElementException if there is no such conversation
   */
  ConversationMessage append(String conversationId, String role, String text);

  /**
   * Up to {@code limit} (1 to {@link #MAX_PAGE}) messages older than {@code before} (or the newest
   * when {@code before} is 0), oldest first.
   *
   * @throws java.util.NoSuchElementException if there is no such conversation
   */
  HistoryPage history(String conversationId, long before, int limit);

  /** How many conversations are stored. */
  int count();
}
