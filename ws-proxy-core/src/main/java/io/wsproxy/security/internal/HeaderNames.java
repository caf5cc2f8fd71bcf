package io.wsproxy.security.internal;

import java.util.Objects;

/** Validation of configured header names. Stateless. */
public final class HeaderNames {

  private static final String SEPARATORS = "\"(),/:;<=>?@[\\]{}";

  private HeaderNames() {}

  /**
   * {@code name} when it is an RFC 7230 token (visible ASCII without separators), else an
   * {@link IllegalArgumentException} naming {@code field}.
   */
  public static String requireToken(String field, String name) {
    Objects.requireNonNull(name, field);
    if (name.isEmpty()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || SEPARATORS.indexOf(c) >= 0) {
        throw new IllegalArgumentException(field + " is not a valid header name: " + name);
      }
    }
    return name;
  }
}
