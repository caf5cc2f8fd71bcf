package io.wsproxy.routing;

import io.wsproxy.CloseCodes;
import io.wsproxy.Route;
import io.wsproxy.RouteResult;
import io.wsproxy.internal.RequestPaths;
import io.wsproxy.routing.internal.HostNames;
import io.wsproxy.routing.internal.LiveEntries;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Named local backends (plugin processes) and whether each is running; {@link #routes()} serves
 * them at {@code /plugin-ws/{name}}.
 *
 * <pre>{@code
 * BackendRegistry plugins = BackendRegistry.create();     // backends on 127.0.0.1
 * plugins.register(Backend.of("web-terminal", 9003));       // ws://127.0.0.1:9003/ws, running
 * plugins.setRunning("web-terminal", false);               // 4404 "Plugin not running" from now on
 * }</pre>
 *
 * <p>Every backend is dialled on the registry's one configured host (default {@code 127.0.0.1}: the
 * plugins' own loopback, not a public address); a name never becomes part of a host. Stopping or
 * unregistering a backend closes its open connections with {@value #STOPPED_CLOSE_CODE}
 * {@value #STOPPED_REASON}; registering a name again changes new connections only, and its open
 * connections stay in the backend's group.
 *
 * <p>Thread-safe; nothing blocks except closing connections on stop or unregister, which runs on
 * the caller's thread.
 */
public final class BackendRegistry {

  /** The default backend host: the local loopback. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Close code for connections of a stopped or unregistered backend: 1001 Going Away. */
  public static final int STOPPED_CLOSE_CODE = CloseCodes.GOING_AWAY;
  /** Close reason for connections of a stopped or unregistered backend. */
  public static final String STOPPED_REASON = "Plugin stopped";

  private record State(Backend backend, boolean running) {}

  private final String host; // URI form
  private final LiveEntries<State> backends = new LiveEntries<>();

  private BackendRegistry(String host) {
    this.host = host;
  }

  /** An empty registry for backends on {@link #DEFAULT_HOST}. */
  public static BackendRegistry create() {
    return new BackendRegistry(DEFAULT_HOST);
  }

  /** An empty registry for backends on {@code host} (from configuration; no port, no scheme). */
  public static BackendRegistry create(String host) {
    return new BackendRegistry(HostNames.uriHost("host", host));
  }

  /** Registers (or replaces) a backend as running. */
  public void register(Backend backend) {
    register(backend, true);
  }

  /** Registers (or replaces) a backend, running or not. */
  public void register(Backend backend, boolean running) {
    Objects.requireNonNull(backend, "backend");
    backends.put(backend.name(), group -> new State(backend, running));
    if (!running) {
      setRunning(backend.name(), false); // closes what was open under a running registration
    }
  }

  /**
   * Marks a backend running or stopped. Stopping closes its open connections; a stopped backend is
   * answered 404 / 4404 "Plugin not running".
   *
   * @return whether {@code name} is registered
   */
  public boolean setRunning(String name, boolean running) {
    Objects.requireNonNull(name, "name");
    LiveEntries.Entry<State> e = backends.update(name, s -> new State(s.backend, running),
        !running, STOPPED_CLOSE_CODE, STOPPED_REASON);
    return e != null;
  }

  /** Unregisters a backend and closes its open connections; answers whether it was registered. */
  public boolean unregister(String name) {
    Objects.requireNonNull(name, "name");
    return backends.remove(name, STOPPED_CLOSE_CODE, STOPPED_REASON);
  }

  /** The backend registered under {@code name}, running or not. */
  public Optional<Backend> get(String name) {
    LiveEntries.Entry<State> e = backends.get(Objects.requireNonNull(name, "name"));
    return e == null ? Optional.empty() : Optional.of(e.value().backend);
  }

  /** Whether {@code name} is registered and running. */
  public boolean isRunning(String name) {
    LiveEntries.Entry<State> e = backends.get(Objects.requireNonNull(name, "name"));
    return e != null && e.value().running;
  }

  /** The registered names (a snapshot). */
  public Set<String> names() {
    return backends.keys();
  }

  /** The host every backend is dialled on, in URI form. */
  public String host() {
    return host;
  }

  /** A resolver for {@link BackendRoutes#DEFAULT_PATTERN}. */
  public BackendRoutes routes() {
    return BackendRoutes.builder(this).build();
  }

  /**
   * The route to a running backend with {@code rest} appended to its path, {@code NO_MATCH} when
   * it is not registered or not running, or 400 / 4400 when the target is not a valid URI. The name
   * and path have been validated by the caller.
   */
  RouteResult route(String name, String rest, String rawQuery) {
    LiveEntries.Entry<State> e = backends.get(name);
    if (e == null || !e.value().running) {
      return RouteResult.NO_MATCH;
    }
    Backend b = e.value().backend;
    URI base = URI.create("ws://" + host + ":" + b.port() + b.path());
    URI target = RequestPaths.appendPathAndQuery(base, rest, rawQuery);
    if (target == null) {
      return SessionRoutes.INVALID_PATH;
    }
    return Route.to(target).withSubprotocols(b.subprotocols()).inGroup(e.group())
        .withUpstreamFailureCloseCode(b.upstreamFailureCloseCode());
  }
}
