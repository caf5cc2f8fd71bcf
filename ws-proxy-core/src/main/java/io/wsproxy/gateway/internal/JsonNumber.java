package io.wsproxy.gateway.internal;

/**
 * A JSON number kept as the literal the client sent, so it is written back exactly as it came
 * ({@code 1e400}, {@code 1e-999999}, {@code -0}, {@code 1.10}); a double would turn these into
 * {@code Infinity} (not JSON), {@code 0.0} and {@code 0}. Conversions go through {@code double}, which
 * costs the same whatever the exponent (a {@code BigDecimal} of {@code 1e-999999} would not).
 * Immutable.
 */
final class JsonNumber extends Number {

  private static final long serialVersionUID = 1L;

  private final String literal;

  /** @param literal a number the strict JSON reader accepted */
  JsonNumber(String literal) {
    this.literal = literal;
  }

  @Override
  public int intValue() {
    return (int) longValue();
  }

  @Override
  public long longValue() {
    try {
      return Long.parseLong(literal);
    } catch (NumberFormatException e) {
      return (long) doubleValue();
    }
  }

  @Override
  public float floatValue() {
    return (float) doubleValue();
  }

  @Override
  public double doubleValue() {
    return Double.parseDouble(literal);
  }

  /** The literal as the client wrote it. */
  @Override
  public String toString() {
    return literal;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonNumber n && n.literal.equals(literal);
  }

  @Override
  public int hashCode() {
    return literal.hashCode();
  }
}
