package io.wsproxy.routing;

import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.routing.internal.RoutesSpec;
import io.wsproxy.routing.internal.StaticRoutes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Static prefix routes, sessions and plugin backends read from a small JSON file (the CLI's
 * {@code proxy --routes FILE}), assembled into one resolver, and re-read on demand
 * ({@link #reload()}; {@link RoutesFileWatcher} calls it when the file changes).
 *
 * <h2>Format</h2>
 * <pre>{@code
 * {
 *   "publicDomain": "sandbox.example.com",   // host[:port] clients use; required with "sessions"
 *   "secure": true,                          // wss/https URLs (default true) or ws/http
 *   "subdomains": true,                      // also s-{id}.{publicDomain} URLs (default true)
 *   "sessionPattern": "/s/{sessionId}/ws",   // default
 *   "pluginPattern": "/plugin-ws/{name}",    // default
 *   "pluginHost": "127.0.0.1",               // default; where every plugin listens
 *   "routes": [                              // static prefix routes (PathPrefixRoutes)
 *     {"prefix": "/echo", "upstream": "ws://127.0.0.1:9001", "subprotocols": ["chat"]},
 *     {"prefix": "/admin", "upstream": "ws://127.0.0.1:9002", "principals": ["alice"],
 *      "upstreamFailureCloseCode": 4502}
 *   ],
 *   "sessions": [
 *     {"id": "abc", "host": "10.0.0.5", "tls": false, "owner": "alice",
 *      "subprotocols": ["vite-hmr"], "upstreamFailureCloseCode": 4502,
 *      "exposures": [{"port": 5173}, {"port": 8080, "pathPrefix": "/api"}],
 *      "gateway": {"profile": "rooms", "protocol": "envelope"}}
 *   ],
 *   "plugins": [
 *     {"name": "web-terminal", "port": 9003, "path": "/ws", "running": true}
 *   ]
 * }
 * }</pre>
 * (The comments are explanation only: the file is strict JSON.)
 *
 * <ul>
 *   <li>{@code routes[]}: {@code prefix} and {@code upstream} (a {@code ws://} or {@code wss://} URI)
 *       required; the prefix is stripped and the rest appended to the upstream path.
 *       {@code subprotocols} is the route's allowlist. {@code principals} limits the route to the
 *       principals of these names (the handshake auth's result): an anonymous client gets
 *       401 / 4401, another principal 403 / 4403.</li>
 *   <li>{@code sessions[]}: {@code id} ({@code [A-Za-z0-9_-]{1,128}}), {@code host} and a non-empty
 *       {@code exposures} required. An exposure is {@code port} plus an optional {@code pathPrefix};
 *       one without a prefix (or with {@code /}) is the default. {@code owner} limits the session to
 *       the principal of that name; {@code tls} dials the exposures over {@code wss}.
 *       {@code gateway} asks for a per-session gateway (see {@link SessionGateway}); the file only
 *       records it, the host mounts it (the CLI does, with
 *       {@link io.wsproxy.gateway.SessionGateways}).</li>
 *   <li>{@code plugins[]}: {@code name} ({@code [A-Za-z0-9_-]{1,64}}) and {@code port} required;
 *       {@code path} defaults to {@code /ws}, {@code running} to true.</li>
 *   <li>Every route, session and plugin may set {@code upstreamFailureCloseCode}: the close code
 *       its clients get when the upstream cannot be reached (in close-code rejection mode), drops,
 *       or breaks the protocol ({@link io.wsproxy.Route#upstreamFailureCloseCode}). Without it the
 *       proxy's applies (1014 by default; CLI {@code --close-on-upstream-failure}). It must be a
 *       code that can be sent: 1000-1003, 1007-1014 or 3000-4999, such as 4502.</li>
 * </ul>
 * There must be something to route: a non-empty {@code routes}, a {@code publicDomain} (sessions may
 * also be registered at run time), or a {@code plugins} list. Unknown fields, duplicate fields, duplicate
 * session ids or plugin names, and bad values are errors that name the file and the field, such as
 * {@code routes.json: sessions[0].exposures[1]: port must be 1..65535: 70000},
 * {@code routes.json: routes[0].upstreamFailureCloseCode: must be a close code that can be sent
 * (...): 1006} or {@code routes.json: plugins[0].port: is required}.
 *
 * <p>The resolver tries sessions, then plugins, then the static prefixes: a static {@code /} route
 * does not shadow {@code /s/...} or {@code /plugin-ws/...}. Session routes exist when
 * {@code publicDomain} is given; plugin routes when {@code plugins} is present.
 *
 * <h2>Reload</h2>
 * {@link #reload()} reads the file again and applies what changed, against the version applied
 * before; a version that fails to parse changes nothing. Sessions and plugins that are gone are
 * ended (their open connections close with 1001), new and changed ones registered (a changed one
 * keeps its open connections, new connections get the new values, as
 * {@link SessionRegistry#register} does), and changed static routes apply to new connections. Any
 * field of an entry counts, {@code upstreamFailureCloseCode} too: open connections keep the code
 * they were opened with.
 * Sessions and backends the host registered itself, outside the file, are never touched. The fields
 * that shape the registries ({@code publicDomain}, {@code secure}, {@code subdomains},
 * {@code sessionPattern}, {@code pluginHost}, {@code pluginPattern}) are read once: a version that
 * changes them is refused, naming the field.
 *
 * <p>Loading happens on the caller's thread. Thread-safe: reloads are serialised, and the resolver
 * and accessors always see one complete version. The registries stay live (a host may register more
 * sessions or backends at run time).
 */
public final class RoutesFile {

  /** Largest routes file read: 1 MiB. */
  public static final long MAX_FILE_BYTES = 1024L * 1024;

  /**
   * A session's {@code gateway} entry: the gateway the host mounts for it at
   * {@link io.wsproxy.gateway.SessionGateways#PATH_PATTERN /s/{id}/gateway} while it lives.
   *
   * @param protocol {@code protocol}: {@code envelope} or {@code jsonrpc} (default: {@code jsonrpc}
   *                 for the agent profile, else {@code envelope})
   * @param profile  {@code profile}: {@value #ROOMS} (the built-in system and room methods; the
   *                 default) or {@value #AGENT} (the agent profile; the host supplies the agent)
   */
  public record SessionGateway(GatewayProtocol protocol, String profile) {
    /** The rooms profile. */
    public static final String ROOMS = "rooms";
    /** The agent profile. */
    public static final String AGENT = "agent";
    /** Every profile. */
    public static final Set<String> PROFILES = Set.of(ROOMS, AGENT);

    public SessionGateway {
      Objects.requireNonNull(protocol, "protocol");
      if (!PROFILES.contains(Objects.requireNonNull(profile, "profile"))) {
        throw new IllegalArgumentException("profile must be rooms or agent: " + profile);
      }
    }
  }

  private final String source;
  private final Path path;                 // null when parsed from a string
  private final SessionRegistry sessions;  // null without publicDomain
  private final BackendRegistry backends;
  private final RouteResolver resolver;
  private volatile Version current;

  /** One applied version: the spec and what was built from it. */
  private record Version(String content, RoutesSpec spec, BackendRoutes backendRoutes,
      List<RegisteredSession> registered) {}

  private RoutesFile(String content, RoutesSpec spec, Path path) {
    this.source = spec.source();
    this.path = path;
    this.sessions = spec.publicUrls() == null ? null : SessionRegistry.create(spec.publicUrls());
    this.backends = spec.pluginHost() == null ? BackendRegistry.create()
        : check("pluginHost", () -> BackendRegistry.create(spec.pluginHost()));
    List<RouteResolver> chain = new ArrayList<>();
    if (sessions != null) {
      chain.add(sessions.routes());
    }
    // the plugin and static parts can change with a reload: read the current version each time
    chain.add((request, principal) -> {
      BackendRoutes b = current.backendRoutes;
      return b == null ? RouteResult.NO_MATCH : b.resolve(request, principal);
    });
    chain.add((request, principal) -> {
      StaticRoutes r = current.spec.staticRoutes();
      return r == null ? RouteResult.NO_MATCH : r.resolve(request, principal);
    });
    this.resolver = RouteResolver.firstMatch(chain.toArray(RouteResolver[]::new));
    this.current = new Version(content, spec, null, List.of());
    apply(spec, spec.sessions().keySet(), spec.plugins().keySet());
  }

  /**
   * Reads and validates a routes file (UTF-8, at most {@value #MAX_FILE_BYTES} bytes).
   *
   * @throws IOException              if the file cannot be read
   * @throws IllegalArgumentException if it is not a valid routes file; the message names the file
   *                                  and the field
   */
  public static RoutesFile load(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    String content = read(file);
    return new RoutesFile(content, RoutesSpec.parse(content, file.toString()), file);
  }

  /**
   * Parses routes-file content.
   *
   * @param source the name used in error messages, usually the file name
   */
  public static RoutesFile parse(String json, String source) {
    return new RoutesFile(json, RoutesSpec.parse(json, source), null);
  }

  private static String read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /**
   * Reads the file this was {@link #load loaded} from again and applies what changed. Content
   * equal to the applied version is {@link RoutesChange#NONE} without parsing.
   *
   * @throws IOException              if the file cannot be read (nothing changes)
   * @throws IllegalArgumentException if the new version is not valid (nothing changes); the message
   *                                  names the file and the field
   * @throws IllegalStateException    if this was {@link #parse parsed} from a string
   */
  public RoutesChange reload() throws IOException {
    if (path == null) {
      throw new IllegalStateException(source + " was parsed from a string: use reload(json)");
    }
    return reload(read(path));
  }

  /**
   * Applies new routes-file content (see {@link #reload()}).
   *
   * @throws IllegalArgumentException if it is not valid (nothing changes), naming file and field
   */
  public synchronized RoutesChange reload(String json) {
    Objects.requireNonNull(json, "json");
    Version before = current;
    if (json.equals(before.content)) {
      return RoutesChange.NONE;
    }
    RoutesSpec next = RoutesSpec.parse(json, source);
    RoutesSpec old = before.spec;
    for (String field : RoutesSpec.FIXED) {
      if (!Objects.equals(old.top().get(field), next.top().get(field))) {
        throw new IllegalArgumentException(source + ": " + field + ": cannot change on reload"
            + " (restart to change it)");
      }
    }
    Set<String> sessionsAdded = added(old.sessions(), next.sessions());
    Set<String> sessionsEnded = added(next.sessions(), old.sessions());
    Set<String> sessionsUpdated = changed(old.sessions(), next.sessions(),
        (a, b) -> a.json().equals(b.json()));
    Set<String> pluginsAdded = added(old.plugins(), next.plugins());
    Set<String> pluginsRemoved = added(next.plugins(), old.plugins());
    Set<String> pluginsUpdated = changed(old.plugins(), next.plugins(),
        (a, b) -> a.json().equals(b.json()));
    Set<String> gatewaysEnded = new HashSet<>();
    Set<String> gatewaysStarted = new HashSet<>();
    Set<String> ids = new HashSet<>(old.sessions().keySet());
    ids.addAll(next.sessions().keySet());
    for (String id : ids) {
      SessionGateway was = gatewayOf(old, id);
      SessionGateway now = gatewayOf(next, id);
      if (!Objects.equals(was, now)) {
        if (was != null) {
          gatewaysEnded.add(id);
        }
        if (now != null) {
          gatewaysStarted.add(id);
        }
      }
    }
    // the connections of what is gone close first; then the new version goes live
    for (String id : sessionsEnded) {
      sessions.end(id);
    }
    for (String name : pluginsRemoved) {
      backends.unregister(name);
    }
    current = new Version(json, next, before.backendRoutes, before.registered);
    Set<String> register = new HashSet<>(sessionsAdded);
    register.addAll(sessionsUpdated);
    Set<String> plugins = new HashSet<>(pluginsAdded);
    plugins.addAll(pluginsUpdated);
    apply(next, register, plugins);
    boolean staticChanged = !Objects.equals(old.routesJson(), next.routesJson());
    return new RoutesChange(sessionsAdded, sessionsUpdated, sessionsEnded, pluginsAdded,
        pluginsUpdated, pluginsRemoved, staticChanged, gatewaysEnded, gatewaysStarted);
  }

  /** Registers {@code sessionIds} and {@code pluginNames} of {@code spec}; publishes the version. */
  private void apply(RoutesSpec spec, Set<String> sessionIds, Set<String> pluginNames) {
    Version v = current;
    for (RoutesSpec.SessionEntry e : spec.sessions().values()) {
      if (sessionIds.contains(e.session().id())) {
        sessions.register(e.session());
      }
    }
    for (RoutesSpec.PluginEntry e : spec.plugins().values()) {
      if (pluginNames.contains(e.backend().name())) {
        backends.register(e.backend(), e.running());
      }
    }
    BackendRoutes backendRoutes = !spec.hasPlugins() ? null : v.backendRoutes != null
        ? v.backendRoutes : check("pluginPattern", () -> spec.pluginPattern() == null
            ? backends.routes()
            : BackendRoutes.builder(backends).pattern(spec.pluginPattern()).build());
    List<RegisteredSession> registered = new ArrayList<>();
    for (String id : spec.sessions().keySet()) {
      sessions.get(id).ifPresent(registered::add);
    }
    current = new Version(v.content, spec, backendRoutes, List.copyOf(registered));
  }

  private <T> T check(String field, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(source + ": " + field + ": " + e.getMessage(), e);
    }
  }

  private static SessionGateway gatewayOf(RoutesSpec spec, String id) {
    RoutesSpec.SessionEntry e = spec.sessions().get(id);
    return e == null ? null : e.gateway();
  }

  /** The keys of {@code after} not in {@code before}. */
  private static Set<String> added(Map<String, ?> before, Map<String, ?> after) {
    Set<String> out = new HashSet<>(after.keySet());
    out.removeAll(before.keySet());
    return out;
  }

  /** The keys in both whose values differ. */
  private static <V> Set<String> changed(Map<String, V> before, Map<String, V> after,
      java.util.function.BiPredicate<V, V> same) {
    Set<String> out = new HashSet<>();
    before.forEach((k, v) -> {
      V w = after.get(k);
      if (w != null && !same.test(v, w)) {
        out.add(k);
      }
    });
    return out;
  }

  /** The name errors use for this file. */
  public String source() {
    return source;
  }

  /** The file this was loaded from, if it was. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /** Sessions, then plugins, then static prefixes; first match wins. Follows reloads. */
  public RouteResolver resolver() {
    return resolver;
  }

  /** The session registry, present when the file has a {@code publicDomain}. */
  public Optional<SessionRegistry> sessions() {
    return Optional.ofNullable(sessions);
  }

  /** The sessions the current version registered, in file order, with their URLs. */
  public List<RegisteredSession> registeredSessions() {
    return current.registered;
  }

  /** The {@code gateway} entries of the current version's sessions, by session id, in file order. */
  public Map<String, SessionGateway> sessionGateways() {
    Map<String, SessionGateway> out = new LinkedHashMap<>();
    current.spec.sessions().forEach((id, e) -> {
      if (e.gateway() != null) {
        out.put(id, e.gateway());
      }
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The backend registry (empty when the file lists no plugins). */
  public BackendRegistry backends() {
    return backends;
  }

  /** The plugin resolver, present when the current version has {@code plugins}. */
  public Optional<BackendRoutes> backendRoutes() {
    return Optional.ofNullable(current.backendRoutes);
  }

  /** The current static prefix routes, present when the file has {@code routes}. */
  public Optional<PathPrefixRoutes> staticRoutes() {
    StaticRoutes r = current.spec.staticRoutes();
    return r == null ? Optional.empty() : Optional.of(r.table());
  }
}
