package io.wsproxy.routing.internal;

import io.wsproxy.ConnectionGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Named entries that each own a {@link ConnectionGroup}: the lifecycle shared by the session and
 * backend registries.
 *
 * <p>The rule that keeps the lifecycle race-free: a group is closed only after it has been detached
 * from the map atomically, so a handshake that still holds the old group gets its connection closed
 * on join, and a concurrent {@link #put} never inherits a group that is about to close. Replacing an
 * entry keeps its live group, so connections opened under the old value stay members and a later
 * {@link #remove} still closes them.
 *
 * <p>Thread-safe. Group closes (which call connection code) run after the map update, never inside
 * it, on the caller's thread.
 *
 * @param <V> the entry's value
 */
public final class LiveEntries<V> {

  /** A value and the group its connections join. */
  public record Entry<V>(V value, ConnectionGroup group) {}

  private final ConcurrentHashMap<String, Entry<V>> map = new ConcurrentHashMap<>();

  /**
   * Sets the value under {@code key}. An existing entry's group is kept (unless someone closed it
   * from outside, then a fresh one replaces it); a new key gets a new group.
   *
   * @param make builds the stored value from the caller's value and the entry's group
   */
  public Entry<V> put(String key, Function<ConnectionGroup, V> make) {
    Objects.requireNonNull(make, "make");
    return map.compute(key, (k, old) -> {
      ConnectionGroup group = old == null || old.group.isClosed() ? new ConnectionGroup() : old.group;
      return new Entry<>(Objects.requireNonNull(make.apply(group), "value"), group);
    });
  }

  /** The entry under {@code key}, or {@code null}. */
  public Entry<V> get(String key) {
    return map.get(key);
  }

  /**
   * Replaces the value of an existing entry and, when {@code detach} is true, swaps in a fresh group
   * and closes the old one with {@code code} and {@code reason}.
   *
   * @return the new entry, or {@code null} if {@code key} is not present
   */
  public Entry<V> update(String key, UnaryOperator<V> change, boolean detach, int code,
      String reason) {
    Entry<V>[] replaced = newHolder();
    Entry<V> now = map.computeIfPresent(key, (k, old) -> {
      replaced[0] = old;
      ConnectionGroup group = detach ? new ConnectionGroup() : old.group;
      return new Entry<>(Objects.requireNonNull(change.apply(old.value), "value"), group);
    });
    if (detach && replaced[0] != null) {
      replaced[0].group.closeAll(code, reason);
    }
    return now;
  }

  /** Removes {@code key} and closes its connections; answers whether it was present. */
  public boolean remove(String key, int code, String reason) {
    Entry<V> old = map.remove(key);
    if (old == null) {
      return false;
    }
    old.group.closeAll(code, reason);
    return true;
  }

  /** Removes every entry and closes its connections; answers how many there were. */
  public int removeAll(int code, String reason) {
    List<String> keys = new ArrayList<>(map.keySet());
    int n = 0;
    for (String k : keys) {
      if (remove(k, code, reason)) {
        n++;
      }
    }
    return n;
  }

  /** A snapshot of the keys. */
  public Set<String> keys() {
    return Set.copyOf(map.keySet());
  }

  /** Number of entries. */
  public int size() {
    return map.size();
  }

  @SuppressWarnings("unchecked")
  private static <V> Entry<V>[] newHolder() {
    return (Entry<V>[]) new Entry<?>[1];
  }
}
