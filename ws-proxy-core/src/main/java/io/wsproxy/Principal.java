package io.wsproxy;

import java.util.Map;
import java.util.Objects;

/**
 * Who a connection authenticated as. Immutable.
 *
 * <p>{@link #ANONYMOUS} is the principal of connections when no {@link AuthValidator} is configured.
 *
 * @param name       stable identifier (user id, token subject); never a secret
 * @param attributes extra facts a validator found (roles, tenant, ...); copied, unmodifiable
 */
public record Principal(String name, Map<String, Object> attributes) implements AuthResult {

  /** The principal of unauthenticated connections. */
  public static final Principal ANONYMOUS = new Principal("anonymous", Map.of());

  public Principal {
    Objects.requireNonNull(name, "name");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
  }

  /** A principal with no attributes. */
  public static Principal of(String name) {
    return new Principal(name, Map.of());
  }

  /** Whether this is {@link #ANONYMOUS}. */
  public boolean isAnonymous() {
    return this == ANONYMOUS || (name.equals(ANONYMOUS.name) && attributes.isEmpty());
  }
}
