package io.wsproxy.gateway.internal;

import io.wsproxy.gateway.Handler;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handler table: method or type name → handler and params type. Thread-safe; handlers may be
 * registered while clients are connected.
 */
final class Handlers {

  /** The names a client may call before it is authenticated; hosts cannot replace them. */
  static final Set<String> PRE_AUTH = Set.of("connect", "auth", "ping");

  /** One handler and how to convert its params. */
  record Registration(String name, Class<?> paramsType, Handler<?> handler, boolean preAuth) {}

  private final Map<String, Registration> byName = new ConcurrentHashMap<>();

  /** Registers a built-in handler under each of {@code names}. */
  <P> void builtin(Class<P> paramsType, Handler<P> handler, String... names) {
    for (String name : names) {
      byName.put(name, new Registration(name, paramsType, handler, PRE_AUTH.contains(name)));
    }
  }

  /** Registers (or replaces) a host handler; refuses the {@link #PRE_AUTH} names. */
  <P> void user(String name, Class<P> paramsType, Handler<P> handler) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(paramsType, "paramsType");
    Objects.requireNonNull(handler, "handler");
    if (name.isEmpty() || name.length() > Codec.MAX_METHOD_CHARS) {
      throw new IllegalArgumentException(
          "name must have 1 to " + Codec.MAX_METHOD_CHARS + " characters: " + name);
    }
    if (PRE_AUTH.contains(name)) {
      throw new IllegalArgumentException("name is reserved by the gateway: " + name);
    }
    byName.put(name, new Registration(name, paramsType, handler, false));
  }

  Registration get(String name) {
    return byName.get(name);
  }
}
