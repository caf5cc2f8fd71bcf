package io.wsproxy;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
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
  public static final Headers EMPTY = new Headers(new Object[0], null);

  /**
   * Most fields looked up by a scan; a larger set (a hostile request can carry hundreds) gets a
   * hash index, so no lookup or build is quadratic.
   */
  private static final int SCAN_LIMIT = 16;

  // two slots per distinct field, in the order of first appearance: the first spelling of its name,
  // then its value (a String) or values (an unmodifiable List<String>, in order: of two or more,
  // or of the one value once all() asked for it; see values).
  // One flat array, not a map of lower-cased keys to records nor a list per field: a request's
  // headers are built for every handshake, most fields have one value, and most are looked up a few
  // times, so the usual build is one array copy.
  private final Object[] fields;
  private final Map<String, Integer> index; // lower-cased name to field; null up to SCAN_LIMIT

  private Headers(Object[] fields, Map<String, Integer> index) {
    this.fields = fields;
    this.index = index;
  }

  private String name(int field) {
    return (String) fields[2 * field];
  }

  /**
   * The values of {@code field}: its list, made from its one value at the first call and kept. The
   * store is a benign race: every thread that makes the list makes an equal immutable one (safely
   * published through its final fields), and every reader takes either form.
   */
  @SuppressWarnings("unchecked")
  private List<String> values(int field) {
    Object v = fields[2 * field + 1];
    if (v instanceof String s) {
      List<String> one = List.of(s);
      fields[2 * field + 1] = one;
      return one;
    }
    return (List<String>) v;
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
    b.addAll(this);
    return b;
  }

  /** The first value of {@code name}, if any. */
  public Optional<String> first(String name) {
    int i = indexOf(name);
    if (i < 0) {
      return Optional.empty();
    }
    return Optional.of(fields[2 * i + 1] instanceof String s ? s : values(i).get(0));
  }

  /** Every value of {@code name} in order; empty if absent. */
  public List<String> all(String name) {
    int i = indexOf(name);
    return i < 0 ? List.of() : values(i);
  }

  /** Whether {@code name} is present. */
  public boolean contains(String name) {
    return indexOf(name) >= 0;
  }

  /** The field names, in their first spelling. */
  public Set<String> names() {
    return new NameSet(fields);
  }

  /** An unmodifiable view of the distinct names, in order (no copy: they never change). */
  private static final class NameSet extends AbstractSet<String> {
    private final Object[] fields; // as in Headers: the names are at even indexes

    NameSet(Object[] fields) {
      this.fields = fields;
    }

    @Override
    public Iterator<String> iterator() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return 2 * next < fields.length;
        }

        @Override
        public String next() {
          if (2 * next >= fields.length) {
            throw new NoSuchElementException();
          }
          return (String) fields[2 * next++];
        }
      };
    }

    @Override
    public int size() {
      return fields.length / 2;
    }
  }

  /** Number of distinct field names. */
  public int size() {
    return fields.length / 2;
  }

  /** Calls {@code action} with every (name, value) pair, in order. */
  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < fields.length; i += 2) {
      String name = (String) fields[i];
      if (fields[i + 1] instanceof String v) {
        action.accept(name, v);
      } else {
        for (Object v : (List<?>) fields[i + 1]) {
          action.accept(name, (String) v);
        }
      }
    }
  }

  /** These headers as an unmodifiable map from the first spelling of each name to its values. */
  public Map<String, List<String>> toMap() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int f = 0; f < fields.length / 2; f++) {
      m.put(name(f), values(f));
    }
    return Collections.unmodifiableMap(m);
  }

  private int indexOf(String name) {
    Objects.requireNonNull(name, "name");
    if (index != null) {
      Integer i = index.get(lower(name));
      return i == null ? -1 : i;
    }
    return scan(fields, fields.length / 2, name);
  }

  /**
   * The first of the {@code n} fields (names at the even indexes of {@code a}) that is {@code name}
   * ignoring ASCII case, or -1.
   */
  private static int scan(Object[] a, int n, String name) {
    for (int f = 0; f < n; f++) {
      if (sameName((String) a[2 * f], name)) {
        return f;
      }
    }
    return -1;
  }

  /** Whether {@code a} and {@code b} are equal ignoring ASCII case (only: names are tokens). */
  private static boolean sameName(String a, String b) {
    int n = a.length();
    if (n != b.length()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y && lower(x) != lower(y)) {
        return false;
      }
    }
    return true;
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** {@code name} with ASCII letters lower-cased; itself when it has no upper-case letter. */
  private static String lower(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] cs = name.toCharArray();
        for (int j = i; j < cs.length; j++) {
          cs[j] = lower(cs[j]);
        }
        return new String(cs);
      }
    }
    return name;
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
    // name, value, name, value, ... in the order added; grouped by name in build()
    private String[] pairs = new String[16]; // room for 8 fields; it grows
    private int size;

    private Builder() {}

    /** Adds a value. Names must be RFC 7230 tokens; values must not hold CR, LF or NUL. */
    public Builder add(String name, String value) {
      validateName(name);
      validateValue(name, value);
      append(name, value);
      return this;
    }

    private void append(String name, String value) {
      if (size == pairs.length) {
        pairs = Arrays.copyOf(pairs, size * 2);
      }
      pairs[size++] = name;
      pairs[size++] = value;
    }

    /** Replaces every value of {@code name} with {@code value}. */
    public Builder set(String name, String value) {
      remove(name);
      return add(name, value);
    }

    /** Removes every value of {@code name}. */
    public Builder remove(String name) {
      Objects.requireNonNull(name, "name");
      int kept = 0;
      for (int i = 0; i < size; i += 2) {
        if (!sameName(pairs[i], name)) {
          pairs[kept++] = pairs[i];
          pairs[kept++] = pairs[i + 1];
        }
      }
      Arrays.fill(pairs, kept, size, null);
      size = kept;
      return this;
    }

    /** Adds every field of {@code other}. */
    public Builder addAll(Headers other) {
      other.forEach(this::append); // checked when other was built
      return this;
    }

    public Headers build() {
      if (size == 0) {
        return EMPTY;
      }
      int n = size / 2;
      if (n <= SCAN_LIMIT && distinctNames(n)) {
        return distinct(n);
      }
      Object[] grouped = new Object[2 * n];
      int[] next = new int[n]; // pair to the next pair of its field, or -1
      int[] first = new int[n];
      int[] last = new int[n];
      int[] count = new int[n];
      Map<String, Integer> index = n > SCAN_LIMIT ? new HashMap<>() : null;
      int fields = 0;
      for (int p = 0; p < n; p++) {
        String name = pairs[2 * p];
        int f;
        if (index != null) {
          Integer known = index.putIfAbsent(lower(name), fields);
          f = known == null ? -1 : known;
        } else {
          f = scan(grouped, fields, name);
        }
        if (f < 0) {
          f = fields++;
          grouped[2 * f] = name;
          first[f] = p;
        } else {
          next[last[f]] = p;
        }
        next[p] = -1;
        last[f] = p;
        count[f]++;
      }
      for (int f = 0; f < fields; f++) {
        int p = first[f];
        if (count[f] == 1) {
          grouped[2 * f + 1] = pairs[2 * p + 1];
        } else {
          String[] vs = new String[count[f]];
          for (int k = 0; p >= 0; p = next[p]) {
            vs[k++] = pairs[2 * p + 1];
          }
          grouped[2 * f + 1] = List.of(vs);
        }
      }
      return new Headers(fields == n ? grouped : Arrays.copyOf(grouped, 2 * fields),
          index != null && fields > SCAN_LIMIT ? index : null);
    }

    /** Whether the first {@code n} pairs have distinct names (a scan: {@code n} is small). */
    private boolean distinctNames(int n) {
      for (int p = 1; p < n; p++) {
        String name = pairs[2 * p];
        for (int q = 0; q < p; q++) {
          if (sameName(pairs[2 * q], name)) {
            return false;
          }
        }
      }
      return true;
    }

    /** The usual request: one value per name, so the pairs as they are, in one copy. */
    private Headers distinct(int n) {
      return new Headers(Arrays.copyOf(pairs, 2 * n, Object[].class), null);
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
