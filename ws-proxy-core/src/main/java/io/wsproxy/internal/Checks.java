package io.wsproxy.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks for builders: each names the field in its message. Stateless. */
public final class Checks {

  private Checks() {}

  public static int positive(String field, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(field + " must be positive: " + v);
    }
    return v;
  }

  public static long positive(String field, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(field + " must be positive: " + v);
    }
    return v;
  }

  public static Duration positive(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive: " + d);
    }
    return d;
  }

  /** Zero allowed (it usually means "disabled"). */
  public static Duration notNegative(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative: " + d);
    }
    return d;
  }

  /** Zero allowed (it usually means "disabled"). */
  public static int notNegative(String field, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(field + " must not be negative: " + v);
    }
    return v;
  }
}
