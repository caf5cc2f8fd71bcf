package io.wsproxy.gateway.agent;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A bounded {@link ConversationStore} in memory: at most {@code maxConversations} (the least
 * recently updated one is dropped to make room) of at most {@code maxMessages} messages each (the
 * oldest are dropped). Thread-safe: one lock, never held while calling out.
 */
public final class InMemoryConversationStore implements ConversationStore {

  /** Default most conversations: 10,000. */
  public static final int DEFAULT_MAX_CONVERSATIONS = 10_000;
  /** Default most messages kept per conversation: 1,000. */
  public static final int DEFAULT_MAX_MESSAGES = 1_000;
  /** Longest title, in characters. */
  public static final int MAX_TITLE_CHARS = 200;

  private static final class Entry {
    final String id;
    final String owner;
    final String title;
    final Instant createdAt;
    Instant updatedAt;
    long appended;
    final ArrayDeque<ConversationMessage> messages = new ArrayDeque<>();

    Entry(String id, String owner, String title, Instant now) {
      this.id = id;
      this.owner = owner;
      this.title = title;
      this.createdAt = now;
      this.updatedAt = now;
    }

    Conversation snapshot() {
      return new Conversation(id, owner, title, createdAt, updatedAt, appended);
    }
  }

  private final Object lock = new Object();
  // insertion order, re-inserted on append: the eldest entry is the least recently updated one
  private final LinkedHashMap<String, Entry> byId = new LinkedHashMap<>();
  private final int maxConversations;
  private final int maxMessages;
  private final Clock clock;

  /** A store with the default bounds. */
  public InMemoryConversationStore() {
    this(DEFAULT_MAX_CONVERSATIONS, DEFAULT_MAX_MESSAGES, Clock.systemUTC());
  }

  /** A store with these bounds (each at least 1) and clock. */
  public InMemoryConversationStore(int maxConversations, int maxMessages, Clock clock) {
    if (maxConversations < 1) {
      throw new IllegalArgumentException("maxConversations must be positive: " + maxConversations);
    }
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages must be positive: " + maxMessages);
    }
    this.maxConversations = maxConversations;
    this.maxMessages = maxMessages;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Conversation create(String owner, String title) {
    Objects.requireNonNull(owner, "owner");
    String t = title == null ? "" : title;
    if (t.length() > MAX_TITLE_CHARS) {
      throw new IllegalArgumentException("title must have at most " + MAX_TITLE_CHARS
          + " characters");
    }
    Entry e = new Entry("c-" + UUID.randomUUID(), owner, t, clock.instant());
    synchronized (lock) {
      if (byId.size() >= maxConversations) {
        Iterator<Entry> eldest = byId.values().iterator();
        eldest.next();
        eldest.remove();
      }
      byId.put(e.id, e);
      return e.snapshot();
    }
  }

  @Override
  public Optional<Conversation> get(String conversationId) {
    synchronized (lock) {
      Entry e = conversationId == null ? null : peek(conversationId);
      return e == null ? Optional.empty() : Optional.of(e.snapshot());
    }
  }

  @Override
  public List<Conversation> list(String owner, int limit) {
    Objects.requireNonNull(owner, "owner");
    List<Conversation> out = new ArrayList<>();
    synchronized (lock) {
      for (Entry e : byId.values()) {
        if (e.owner.equals(owner)) {
          out.add(e.snapshot());
        }
      }
    }
    out.sort(Comparator.comparing(Conversation::updatedAt).reversed()
        .thenComparing(Conversation::id));
    return out.size() <= limit ? out : List.copyOf(out.subList(0, Math.max(0, limit)));
  }

  @Override
  public ConversationMessage append(String conversationId, String role, String text) {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(text, "text");
    synchronized (lock) {
      Entry e = byId.remove(conversationId);
      if (e == null) {
        throw new NoSuchElementException("no conversation " + conversationId);
      }
      byId.put(conversationId, e); // now the most recently updated
      Instant now = clock.instant();
      ConversationMessage m = new ConversationMessage(++e.appended, role, text, now);
      e.messages.addLast(m);
      if (e.messages.size() > maxMessages) {
        e.messages.removeFirst();
      }
      e.updatedAt = now;
      return m;
    }
  }

  @Override
  public HistoryPage history(String conversationId, long before, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE + ": " + limit);
    }
    List<ConversationMessage> newestFirst = new ArrayList<>(limit);
    boolean more = false;
    synchronized (lock) {
      Entry e = peek(conversationId);
      if (e == null) {
        throw new NoSuchElementException("no conversation " + conversationId);
      }
      for (Iterator<ConversationMessage> it = e.messages.descendingIterator(); it.hasNext(); ) {
        ConversationMessage m = it.next();
        if (before > 0 && m.seq() >= before) {
          continue;
        }
        if (newestFirst.size() == limit) {
          more = true;
          break;
        }
        newestFirst.add(m);
      }
    }
    List<ConversationMessage> page = new ArrayList<>(newestFirst.size());
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      page.add(newestFirst.get(i));
    }
    return new HistoryPage(page, more, page.isEmpty() ? 0 : page.get(0).seq());
  }

  @Override
  public int count() {
    synchronized (lock) {
      return byId.size();
    }
  }

  private Entry peek(String id) {
    return byId.get(id);
  }
}
