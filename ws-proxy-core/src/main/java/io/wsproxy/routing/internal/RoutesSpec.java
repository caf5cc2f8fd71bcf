package io.wsproxy.routing.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.wsproxy.CloseCodes;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Route;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.internal.RequestPaths;
import io.wsproxy.routing.Backend;
import io.wsproxy.routing.Exposure;
import io.wsproxy.routing.PublicUrls;
import io.wsproxy.routing.RoutesFile;
import io.wsproxy.routing.Session;
import io.wsproxy.routing.SessionAccess;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One version of a routes file, parsed and validated without side effects: {@link RoutesFile}
 * builds its registries from the first and diffs later ones against it. The raw JSON of each entry
 * is kept so that two versions compare field by field (key order does not matter). Immutable.
 *
 * @param source       the name errors use
 * @param top          the whole file
 * @param publicUrls   the session URL settings, or {@code null} without {@code publicDomain}
 * @param pluginHost   {@code pluginHost}, or {@code null} for the default
 * @param pluginPattern {@code pluginPattern}, or {@code null} for the default
 * @param hasPlugins   whether the file has a {@code plugins} list (even an empty one)
 * @param staticRoutes the {@code routes}, or {@code null} without them
 * @param sessions     by id, in file order
 * @param plugins      by name, in file order
 */
public record RoutesSpec(String source, JsonObject top, PublicUrls publicUrls, String pluginHost,
    String pluginPattern, boolean hasPlugins, StaticRoutes staticRoutes,
    Map<String, SessionEntry> sessions, Map<String, PluginEntry> plugins) {

  /** Top-level fields that shape the registries: read once, never changed by a reload. */
  public static final List<String> FIXED = List.of("publicDomain", "secure", "subdomains",
      "sessionPattern", "pluginHost", "pluginPattern");

  private static final Set<String> TOP = Set.of("publicDomain", "secure", "subdomains",
      "sessionPattern", "pluginPattern", "pluginHost", "routes", "sessions", "plugins");
  private static final String FAILURE_CODE = "upstreamFailureCloseCode";
  private static final Set<String> ROUTE = Set.of("prefix", "upstream", "subprotocols",
      "principals", FAILURE_CODE);
  private static final Set<String> SESSION = Set.of("id", "host", "tls", "owner", "subprotocols",
      "exposures", "gateway", FAILURE_CODE);
  private static final Set<String> EXPOSURE = Set.of("port", "pathPrefix");
  private static final Set<String> PLUGIN = Set.of("name", "port", "path", "running",
      "subprotocols", FAILURE_CODE);
  private static final Set<String> GATEWAY = Set.of("protocol", "profile");

  /** A session entry: the session (no connection group yet), its gateway and its raw JSON. */
  public record SessionEntry(Session session, RoutesFile.SessionGateway gateway, JsonObject json) {}

  /** A plugin entry: the backend, whether it runs, and its raw JSON. */
  public record PluginEntry(Backend backend, boolean running, JsonObject json) {}

  /** The raw {@code routes} list, for comparing two versions. */
  public JsonElement routesJson() {
    return top.get("routes");
  }

  /**
   * Parses and validates routes-file content.
   *
   * @throws IllegalArgumentException naming the file and the field
   */
  public static RoutesSpec parse(String json, String source) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(source, "source");
    JsonFields top = JsonFields.parse(json, source).allowOnly(TOP);
    List<JsonFields> routes = top.objects("routes");
    List<JsonFields> sessionList = top.objects("sessions");
    StaticRoutes staticRoutes = routes.isEmpty() ? null : staticRoutes(routes);
    PublicUrls urls = null;
    Map<String, SessionEntry> sessions = new LinkedHashMap<>();
    if (top.has("publicDomain")) {
      urls = publicUrls(top);
      for (JsonFields s : sessionList) {
        SessionEntry entry = session(s);
        if (sessions.putIfAbsent(entry.session().id(), entry) != null) {
          throw s.fail("id", "duplicate session id " + entry.session().id());
        }
      }
    } else if (!sessionList.isEmpty()) {
      throw top.fail("publicDomain", "is required when sessions are listed: the host name clients"
          + " use to reach the proxy, such as proxy.example.com");
    } else {
      requireAbsent(top, "publicDomain", "secure", "subdomains", "sessionPattern");
    }
    String pluginHost = top.string("pluginHost", false);
    String pluginPattern = top.string("pluginPattern", false);
    Map<String, PluginEntry> plugins = new LinkedHashMap<>();
    if (top.has("plugins")) {
      for (JsonFields p : top.objects("plugins")) {
        PluginEntry entry = plugin(p);
        if (plugins.putIfAbsent(entry.backend().name(), entry) != null) {
          throw p.fail("name", "duplicate plugin name " + entry.backend().name());
        }
      }
    } else {
      requireAbsent(top, "plugins", "pluginPattern", "pluginHost");
    }
    if (staticRoutes == null && urls == null && !top.has("plugins")) {
      throw new IllegalArgumentException(source
          + ": nothing to route: give at least one of routes, sessions or plugins");
    }
    return new RoutesSpec(source, top.raw(), urls, pluginHost, pluginPattern, top.has("plugins"),
        staticRoutes, Collections.unmodifiableMap(sessions), Collections.unmodifiableMap(plugins));
  }

  private static void requireAbsent(JsonFields top, String missing, String... fields) {
    for (String f : fields) {
      if (top.has(f)) {
        throw top.fail(f, "is set but " + missing + " is not");
      }
    }
  }

  private static StaticRoutes staticRoutes(List<JsonFields> routes) {
    PathPrefixRoutes.Builder b = PathPrefixRoutes.builder();
    Map<String, Set<String>> principals = new HashMap<>();
    for (JsonFields r : routes) {
      r.allowOnly(ROUTE);
      String prefix = r.string("prefix", true);
      String upstream = r.string("upstream", true);
      List<String> subprotocols = r.strings("subprotocols");
      Integer failureCode = failureCode(r);
      Route route = r.check("upstream", () -> {
        try {
          return Route.to(new URI(upstream)).withSubprotocols(subprotocols)
              .withUpstreamFailureCloseCode(failureCode);
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException("not a URI: " + upstream, e);
        }
      });
      r.check("prefix", () -> b.route(prefix, route));
      if (r.has("principals")) {
        List<String> names = r.strings("principals");
        if (names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
          throw r.fail("principals", "must list at least one non-blank principal name (leave the"
              + " field out to admit every authenticated client)");
        }
        principals.put(RequestPaths.normalisePrefix(prefix), new LinkedHashSet<>(names));
      }
    }
    return new StaticRoutes(b.build(), principals);
  }

  /**
   * The entry's optional {@code upstreamFailureCloseCode}: checked here, so the error names the field
   * once and says what is allowed.
   */
  private static Integer failureCode(JsonFields f) {
    Integer code = f.integer(FAILURE_CODE, false);
    if (code != null && !CloseCodes.isSendable(code)) {
      throw f.fail(FAILURE_CODE, "must be a close code that can be sent (1000-1003, 1007-1014 or"
          + " 3000-4999, e.g. 4502): " + code);
    }
    return code;
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

  private static SessionEntry session(JsonFields s) {
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
    b.upstreamFailureCloseCode(failureCode(s));
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
    RoutesFile.SessionGateway gateway = s.has("gateway") ? gateway(s.object("gateway")) : null;
    return new SessionEntry(s.check("", b::build), gateway, s.raw());
  }

  private static RoutesFile.SessionGateway gateway(JsonFields g) {
    g.allowOnly(GATEWAY);
    String profile = g.string("profile", false);
    if (profile == null) {
      profile = RoutesFile.SessionGateway.ROOMS;
    } else if (!RoutesFile.SessionGateway.PROFILES.contains(profile)) {
      throw g.fail("profile", "must be one of " + RoutesFile.SessionGateway.PROFILES + ": "
          + profile);
    }
    String protocol = g.string("protocol", false);
    GatewayProtocol wire;
    if (protocol == null) {
      wire = profile.equals(RoutesFile.SessionGateway.AGENT) ? GatewayProtocol.JSON_RPC
          : GatewayProtocol.ENVELOPE;
    } else {
      wire = switch (protocol) {
        case "envelope" -> GatewayProtocol.ENVELOPE;
        case "jsonrpc" -> GatewayProtocol.JSON_RPC;
        default -> throw g.fail("protocol", "must be envelope or jsonrpc: " + protocol);
      };
    }
    return new RoutesFile.SessionGateway(wire, profile);
  }

  private static PluginEntry plugin(JsonFields p) {
    p.allowOnly(PLUGIN);
    String name = p.string("name", true);
    int port = p.integer("port", true);
    String path = p.string("path", false);
    List<String> subprotocols = p.strings("subprotocols");
    Integer failureCode = failureCode(p);
    Backend b = p.check("", () -> new Backend(name, port, path, subprotocols, failureCode));
    return new PluginEntry(b, p.bool("running", true), p.raw());
  }
}
