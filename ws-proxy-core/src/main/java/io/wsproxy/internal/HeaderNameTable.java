package io.wsproxy.internal;

import java.util.Arrays;

/**
 * A fixed table of header names, each with a set of flags, looked up in any case (header names are
 * ASCII tokens) by one case-insensitive hash probe: no lower-case copy of the name looked up, and
 * one lookup for all the sets a name may be in, where a case-insensitive {@code TreeSet} per set
 * compares the name a handful of times per set.
 *
 * <p><b>Threading.</b> Immutable once made; thread-safe.
 */
final class HeaderNameTable {

  private final String[] names;
  private final int[] flags;
  private final int mask;

  private HeaderNameTable(int capacity) {
    this.names = new String[capacity];
    this.flags = new int[capacity];
    this.mask = capacity - 1;
  }

  /** A builder of a table. Not thread-safe. */
  static final class Builder {
    private String[] names = new String[0];
    private int[] flags = new int[0];

    /** Gives each of {@code names} the flag {@code flag} (added to the flags it has already). */
    Builder add(int flag, String... more) {
      for (String n : more) {
        int i = indexOf(n);
        if (i < 0) {
          names = Arrays.copyOf(names, names.length + 1);
          flags = Arrays.copyOf(flags, flags.length + 1);
          i = names.length - 1;
          names[i] = n;
        }
        flags[i] |= flag;
      }
      return this;
    }

    private int indexOf(String name) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(name)) {
          return i;
        }
      }
      return -1;
    }

    HeaderNameTable build() {
      // a power of two at least four times the names: probes are short, misses end fast
      HeaderNameTable t = new HeaderNameTable(Integer.highestOneBit(Math.max(4, names.length) * 4));
      for (int i = 0; i < names.length; i++) {
        int at = hash(names[i]) & t.mask;
        while (t.names[at] != null) {
          at = (at + 1) & t.mask;
        }
        t.names[at] = names[i];
        t.flags[at] = flags[i];
      }
      return t;
    }
  }

  /** The flags of {@code name} in any case; 0 when it is not in the table. */
  int flags(String name) {
    for (int at = hash(name) & mask; ; at = (at + 1) & mask) {
      String n = names[at];
      if (n == null) {
        return 0;
      }
      if (n.length() == name.length() && n.equalsIgnoreCase(name)) {
        return flags[at];
      }
    }
  }

  /** A hash of {@code s} that ignores the case of ASCII letters. */
  private static int hash(String s) {
    int h = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      h = 31 * h + (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return h ^ (h >>> 16);
  }
}
