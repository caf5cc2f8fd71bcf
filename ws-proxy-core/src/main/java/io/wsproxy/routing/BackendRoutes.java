package io.wsproxy.routing;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import io.wsproxy.internal.RequestPaths;
import io.wsproxy.routing.internal.PathTemplate;
import java.util.Objects;

/**
 * Routes {@code /plugin-ws/{name}} (the pattern is configurable) to the running backend of that name
 * in a {@link BackendRegistry}: {@code /plugin-ws/web-terminal?cols=80} dials
 * {@code ws://127.0.0.1:9003/ws?cols=80}. A path below the name is appended to the backend's path
 * ({@code /plugin-ws/web-terminal/tab/2} dials {@code .../ws/tab/2}); the raw query is kept.
 *
 * <p><b>Answers.</b>
 * <ul>
 *   <li>a path outside the pattern: {@link RouteResult#NO_MATCH};</li>
 *   <li>a name (including an empty one) not matching {@link Backend#NAME_PATTERN}, such as
 *       {@code ..}, {@code %2e%2e} or {@code a%2fb}: 400 / 4400 {@value #INVALID_NAME_REASON};</li>
 *   <li>a traversing path below the name: 400 / 4400 "Invalid path";</li>
 *   <li>a name not registered, or registered but not running: 404 / 4404
 *       {@value #NOT_RUNNING_REASON}.</li>
 * </ul>
 * The name only selects a registry entry; the upstream host is the registry's configured host.
 *
 * <p>Immutable and thread-safe; never blocks.
 */
public final class BackendRoutes implements RouteResolver {

  /** The placeholder name in backend patterns. */
  public static final String PLACEHOLDER = "name";
  /** The default pattern. */
  public static final String DEFAULT_PATTERN = "/plugin-ws/{" + PLACEHOLDER + "}";
  public static final String INVALID_NAME_REASON = "Invalid plugin name";
  public static final String NOT_RUNNING_REASON = "Plugin not running";

  private static final Rejection INVALID_NAME = Rejection.badRequest(INVALID_NAME_REASON);
  private static final Rejection NOT_RUNNING = Rejection.notFound(NOT_RUNNING_REASON);

  private final BackendRegistry registry;
  private final PathTemplate template;

  private BackendRoutes(BackendRegistry registry, PathTemplate template) {
    this.registry = registry;
    this.template = template;
  }

  /** A builder routing to the backends of {@code registry}. */
  public static Builder builder(BackendRegistry registry) {
    return new Builder(registry);
  }

  @Override
  public RouteResult resolve(HandshakeRequest request, Principal principal) {
    PathTemplate.Match m = template.match(request.path());
    if (m == null) {
      return RouteResult.NO_MATCH;
    }
    if (!Backend.isValidName(m.value())) {
      return INVALID_NAME;
    }
    if (RequestPaths.hasTraversal(m.rest())) {
      return SessionRoutes.INVALID_PATH;
    }
    RouteResult result = registry.route(m.value(), m.rest(), request.rawQuery());
    return result == RouteResult.NO_MATCH ? NOT_RUNNING : result;
  }

  /** The pattern, e.g. {@code /plugin-ws/{name}}. */
  public String pattern() {
    return template.pattern();
  }

  /** Builds {@link BackendRoutes}; not thread-safe. */
  public static final class Builder {
    private final BackendRegistry registry;
    private String pattern = DEFAULT_PATTERN;

    private Builder(BackendRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The pattern; must hold {@code {name}} as a whole segment. */
    public Builder pattern(String pattern) {
      PathTemplate.parse("pattern", pattern, PLACEHOLDER);
      this.pattern = pattern;
      return this;
    }

    public BackendRoutes build() {
      return new BackendRoutes(registry, PathTemplate.parse("pattern", pattern, PLACEHOLDER));
    }
  }
}
