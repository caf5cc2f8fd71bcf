package io.wsproxy.routing;

import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.routing.internal.JsonFields;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Static prefix routes, sessions and plugin backends read from a small JSON file (the CLI's
 * {@code proxy --routes FILE}), assembled into one resolver.
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
 *     {"prefix": "/echo", "upstream": "ws://127.0.0.1:9001", "subprotocols": ["chat"]}
 *   ],
 *   "sessions": [
 *     {"id": "abc", "host": "10.0.0.5", "tls": false, "owner": "alice",
 *      "subprotocols": ["vite-hmr"],
 *      "exposures": [{"port": 5173}, {"port": 8080, "pathPrefix": "/api"}]}
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
 *       required; the prefix is stripped and the rest appended to the upstream path.</li>
 *   <li>{@code sessions[]}: {@code id} ({@code [A-Za-z0-9_-]{1,128}}), {@code host} and a non-empty
 *       {@code exposures} required. An exposure is {@code port} plus an optional {@code pathPrefix};
 *       one without a prefix (or with {@code /}) is the default. {@code owner} limits the session to
 *       the principal of that name; {@code tls} dials the exposures over {@code wss}.</li>
 *   <li>{@code plugins[]}: {@code name} ({@code [A-Za-z0-9_-]{1,64}}) and {@code port} required;
 *       {@code path} defaults to {@code /ws}, {@code running} to true.</li>
 * </ul>
 * There must be something to route: a non-empty {@code routes}, a {@code publicDomain} (sessions may
 * also be registered at run time), or a {@code plugins} list. Unknown fields, duplicate fields, duplicate
 * session ids or plugin names, and bad values are errors that name the file and the field, such as
 * {@code routes.json: sessions[0].exposures[1]: port must be 1..65535: 70000} or
 * {@code routes.json: plugins[0].port: is required}.
 *
 * <p>The resolver tries sessions, then plugins, then the static prefixes: a static {@code /} route
 * does not shadow {@code /s/...} or {@code /plugin-ws/...}. Session routes exist when
 * {@code publicDomain} is given; plugin routes when {@code plugins} is present.
 *
 * <p>Loading happens on the caller's thread; the result is thread-safe, and its registries stay live
 * (a host may register more sessions or backends at run time).
 */
public final class RoutesFile {

  /** Largest routes file read: 1 MiB. */
  public static final long MAX_FILE_BYTES = 1024L * 1024;

  private static final Set<String> TOP = Set.of("publicDomain", "secure", "subdomains",
      "sessionPattern", "pluginPattern", "pluginHost", "routes", "sessions", "plugins");
  private static final Set<String> ROUTE = Set.of("prefix", "upstream", "subprotocols");
  private static final Set<String> SESSION = Set.of("id", "host", "tls", "owner", "subprotocols",
      "exposures");
  private static final Set<String> EXPOSURE = Set.of("port", "pathPrefix");
  private static final Set<String> PLUGIN = Set.of("name", "port", "path", "running",
      "subprotocols");

  private final String source;
  private final SessionRegistry sessions;     // null without publicDomain
  private final List<RegisteredSession> registered;
  private final BackendRegistry backends;
  private final BackendRoutes backendRoutes;  // null without "plugins"
  private final PathPrefixRoutes staticRoutes; // null without "routes"
  private final RouteResolver resolver;

  private RoutesFile(String source, SessionRegistry sessions, List<RegisteredSession> registered,
      BackendRegistry backends, BackendRoutes backendRoutes, PathPrefixRoutes staticRoutes) {
    this.source = source;
    this.sessions = sessions;
    this.registered = List.copyOf(registered);
    this.backends = backends;
    this.backendRoutes = backendRoutes;
    this.staticRoutes = staticRoutes;
    List<RouteResolver> chain = new ArrayList<>();
    if (sessions != null) {
      chain.add(sessions.routes());
    }
    if (backendRoutes != null) {
      chain.add(backendRoutes);
    }
    if (staticRoutes != null) {
      chain.add(staticRoutes);
    }
    this.resolver = RouteResolver.firstMatch(chain.toArray(RouteResolver[]::new));
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
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses routes-file content.
   *
   * @param source the name used in error messages, usually the file name
   */
  public static RoutesFile parse(String json, String source) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(source, "source");
    JsonFields top = JsonFields.parse(json, source).allowOnly(TOP);
    List<JsonFields> routes = top.objects("routes");
    List<JsonFields> sessionList = top.objects("sessions");
    List<JsonFields> plugins = top.objects("plugins");
    PathPrefixRoutes staticRoutes = routes.isEmpty() ? null : staticRoutes(routes);
    SessionRegistry sessions = null;
    List<RegisteredSession> registered = new ArrayList<>();
    if (top.has("publicDomain")) {
      sessions = SessionRegistry.create(publicUrls(top));
      Set<String> ids = new HashSet<>();
      for (JsonFields s : sessionList) {
        Session session = session(s);
        if (!ids.add(session.id())) {
          throw s.fail("id", "duplicate session id " + session.id());
        }
        registered.add(sessions.register(session));
      }
    } else if (!sessionList.isEmpty()) {
      throw top.fail("publicDomain", "is required when sessions are listed: the host name clients"
          + " use to reach the proxy, such as proxy.example.com");
    } else {
      requireAbsent(top, "publicDomain", "secure", "subdomains", "sessionPattern");
    }
    BackendRegistry backends = top.has("pluginHost")
        ? top.check("pluginHost", () -> BackendRegistry.create(top.string("pluginHost", true)))
        : BackendRegistry.create();
    BackendRoutes backendRoutes = null;
    if (top.has("plugins")) {
      String pattern = top.string("pluginPattern", false);
      backendRoutes = top.check("pluginPattern", () -> pattern == null ? backends.routes()
          : BackendRoutes.builder(backends).pattern(pattern).build());
      for (JsonFields p : plugins) {
        Backend b = backend(p);
        if (backends.get(b.name()).isPresent()) {
          throw p.fail("name", "duplicate plugin name " + b.name());
        }
        backends.register(b, p.bool("running", true));
      }
    } else {
      requireAbsent(top, "plugins", "pluginPattern", "pluginHost");
    }
    if (staticRoutes == null && sessions == null && backendRoutes == null) {
      throw new IllegalArgumentException(source
          + ": nothing to route: give at least one of routes, sessions or plugins");
    }
    return new RoutesFile(source, sessions, registered, backends, backendRoutes, staticRoutes);
  }

  private static void requireAbsent(JsonFields top, String missing, String... fields) {
    for (String f : fields) {
      if (top.has(f)) {
        throw top.fail(f, "is set but " + missing + " is not");
      }
    }
  }

  private static PathPrefixRoutes staticRoutes(List<JsonFields> routes) {
    PathPrefixRoutes.Builder b = PathPrefixRoutes.builder();
    for (JsonFields r : routes) {
      r.allowOnly(ROUTE);
      String prefix = r.string("prefix", true);
      String upstream = r.string("upstream", true);
      List<String> subprotocols = r.strings("subprotocols");
      Route route = r.check("upstream", () -> {
        try {
          return Route.to(new URI(upstream)).withSubprotocols(subprotocols);
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException("not a URI: " + upstream, e);
        }
      });
      r.check("prefix", () -> b.route(prefix, route));
    }
    return b.build();
  }

  private static PublicUrls publicUrls(JsonFields top) {
    PublicUrls.Builder b = PublicUrls.builder();
    top.check("publicDomain", () -> b.publicDomain(top.string("publicDomain", true)));
    b.secure(top.bool("secure", true)).subdomains(top.bool("subdomains", true));
    String pattern = top.string("sessionPattern", false);
    if (pattern != null) {
      top.check("sessionPattern", () -> b.pathPattern(pattern));
    }
    return b.build();
  }

  private static Session session(JsonFields s) {
    s.allowOnly(SESSION);
    Session.Builder b = Session.builder();
    String id = s.string("id", true);
    s.check("id", () -> b.id(id));
    String host = s.string("host", true);
    s.check("host", () -> b.host(host));
    b.tls(s.bool("tls", false));
    String owner = s.string("owner", false);
    if (owner != null) {
      b.access(s.check("owner", () -> SessionAccess.ownedBy(owner)));
    }
    List<String> subprotocols = s.strings("subprotocols");
    s.check("subprotocols", () -> b.subprotocols(subprotocols));
    List<JsonFields> exposures = s.objects("exposures");
    if (exposures.isEmpty()) {
      throw s.fail("exposures", "must list at least one exposure, like [{\"port\": 8080}]");
    }
    for (int i = 0; i < exposures.size(); i++) {
      JsonFields e = exposures.get(i).allowOnly(EXPOSURE);
      int port = e.integer("port", true);
      String prefix = e.string("pathPrefix", false);
      Exposure exposure = e.check("", () -> Exposure.of(port, prefix));
      s.check("exposures[" + i + "]", () -> b.expose(exposure));
    }
    return s.check("", b::build);
  }

  private static Backend backend(JsonFields p) {
    p.allowOnly(PLUGIN);
    String name = p.string("name", true);
    int port = p.integer("port", true);
    String path = p.string("path", false);
    List<String> subprotocols = p.strings("subprotocols");
    return p.check("", () -> new Backend(name, port, path, subprotocols));
  }

  /** The name errors use for this file. */
  public String source() {
    return source;
  }

  /** Sessions, then plugins, then static prefixes; first match wins. */
  public RouteResolver resolver() {
    return resolver;
  }

  /** The session registry, present when the file has a {@code publicDomain}. */
  public Optional<SessionRegistry> sessions() {
    return Optional.ofNullable(sessions);
  }

  /** The sessions the file registered, in file order, with their URLs. */
  public List<RegisteredSession> registeredSessions() {
    return registered;
  }

  /** The backend registry (empty when the file lists no plugins). */
  public BackendRegistry backends() {
    return backends;
  }

  /** The plugin resolver, present when the file has {@code plugins}. */
  public Optional<BackendRoutes> backendRoutes() {
    return Optional.ofNullable(backendRoutes);
  }

  /** The static prefix routes, present when the file has {@code routes}. */
  public Optional<PathPrefixRoutes> staticRoutes() {
    return Optional.ofNullable(staticRoutes);
  }
}
