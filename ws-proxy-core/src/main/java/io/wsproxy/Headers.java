package io.wsproxy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable, case-insensitive, multi-valued set of HTTP header fields.
 *
 * <p>Names are matched ignoring ASCII case; the first spelling seen is kept for output. Values keep
 * their insertion order. Instances are immutable and thread-safe; build them with {@link #builder()}
 * or {@link #of(Map)}.
 */
public final class Headers {

  /** Headers with no fields. */
  public static final Headers EMPTY = new Headers(Collections.emptyMap());

  // key: lower-cased name; value: original spelling + values
  private final Map<String, Entry> fields;

  private record Entry(String name, List<String> values) {}

  private Headers(Map<String, Entry> fields) {
    this.fields = fields;
  }

  /** Copies a map of names to values; {@code null} keys and values are rejected. */
  public static Headers of(Map<String, ? extends List<String>> map) {
    Objects.requireNonNull(map, "map");
    Builder b = builder();
    map.forEach((name, values) -> {
      Objects.requireNonNull(values, () -> "values of header " + name);
      values.forEach(v -> b.add(name, v));
    });
    return b.build();
  }

  /** Headers from alternating names and values: {@code of("A", "1", "B", "2")}. */
  public static Headers of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("namesAndValues must have an even length");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting with these headers. */
  public Builder toBuilder() {
    Builder b = new Builder();
    forEach(b::add);
    return b;
  }

  /** The first value of {@code name}, if any. */
  public Optional<String> first(String name) {
    Entry e = fields.get(key(name));
    return e == null ? Optional.empty() : Optional.of(e.values.get(0));
  }

  /** Every value of {@code name} in order; empty if absent. */
  public List<String> all(String name) {
    Entry e = fields.get(key(name));
    return e == null ? List.of() : e.values;
  }

  /** Whether {@code name} is present. */
  public boolean contains(String name) {
    return fields.containsKey(key(name));
  }

  /** The field names, in their first spelling. */
  public Set<String> names() {
    Set<String> names = new java.util.LinkedHashSet<>();
    fields.values().forEach(e -> names.add(e.name));
    return Collections.unmodifiableSet(names);
  }

  /** Number of distinct field names. */
  public int size() {
    return fields.size();
  }

  /** Calls {@code action} with every (name, value) pair, in order. */
  public void forEach(BiConsumer<String, String> action) {
    fields.values().forEach(e -> e.values.forEach(v -> action.accept(e.name, v)));
  }

  /** These headers as an unmodifiable map from the first spelling of each name to its values. */
  public Map<String, List<String>> toMap() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    fields.values().forEach(e -> m.put(e.name, e.values));
    return Collections.unmodifiableMap(m);
  }

  private static String key(String name) {
    return Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Headers h && h.toMap().equals(toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  /** Names only: values may hold credentials and must never reach a log through {@code toString}. */
  @Override
  public String toString() {
    return "Headers" + names();
  }

  /** Builds {@link Headers}; not thread-safe. */
  public static final class Builder {
    private final Map<String, String> spelling = new LinkedHashMap<>();
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a value. Names must be RFC 7230 tokens; values must not hold CR, LF or NUL. */
    public Builder add(String name, String value) {
      validateName(name);
      validateValue(name, value);
      String k = key(name);
      spelling.putIfAbsent(k, name);
      values.computeIfAbsent(k, x -> new ArrayList<>()).add(value);
      return this;
    }

    /** Replaces every value of {@code name} with {@code value}. */
    public Builder set(String name, String value) {
      remove(name);
      return add(name, value);
    }

    /** Removes every value of {@code name}. */
    public Builder remove(String name) {
      String k = key(name);
      spelling.remove(k);
      values.remove(k);
      return this;
    }

    /** Adds every field of {@code other}. */
    public Builder addAll(Headers other) {
      other.forEach(this::add);
      return this;
    }

    public Headers build() {
      if (values.isEmpty()) {
        return EMPTY;
      }
      Map<String, Entry> m = new LinkedHashMap<>();
      values.forEach((k, v) -> m.put(k, new Entry(spelling.get(k), List.copyOf(v))));
      return new Headers(Collections.unmodifiableMap(m));
    }

    private static void validateName(String name) {
      Objects.requireNonNull(name, "header name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name is empty");
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
          throw new IllegalArgumentException("header name has an illegal character: " + name);
        }
      }
    }

    private static void validateValue(String name, String value) {
      Objects.requireNonNull(value, () -> "value of header " + name);
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          throw new IllegalArgumentException("value of header " + name + " has CR, LF or NUL");
        }
      }
    }
  }
}
