package io.wsproxy.gateway.agent;

import java.util.List;

/**
 * One page of a conversation's history, oldest first.
 *
 * @param messages   at most the requested number of messages
 * @param hasMore    whether older messages remain; ask for them with {@code before = nextBefore}
 * @param nextBefore the {@code seq} of the oldest message of this page (0 when empty)
 */
public record HistoryPage(List<ConversationMessage> messages, boolean hasMore, long nextBefore) {

  public HistoryPage {
    messages = List.copyOf(messages);
  }
}
