package io.wsproxy.routing;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import io.wsproxy.internal.RequestPaths;
import io.wsproxy.routing.internal.PathTemplate;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes {@code /s/{sessionId}/ws/**} (the pattern is configurable) to the session's exposed ports.
 *
 * <p>For {@code /s/abc/ws/api/x?y=1} the session {@code abc} is looked up in the
 * {@link SessionDirectory}; the path after the pattern ({@code /api/x}) picks the port through the
 * session's {@link PortResolver}, and goes upstream unchanged with the raw query:
 * {@code ws://{session host}:{port}/api/x?y=1}. The upstream host is the session's configured host,
 * never anything from the request. The route carries the session's connection group, so ending the
 * session closes its connections.
 *
 * <p>With {@link Builder#publicUrls} the subdomain-style URLs it generates are routed too: a
 * {@code Host} of {@code s-abc.{publicDomain}} names session {@code abc}, and the whole path picks the
 * port.
 *
 * <p><b>Answers.</b>
 * <ul>
 *   <li>a path outside the pattern: {@link RouteResult#NO_MATCH}, so the next resolver may try;</li>
 *   <li>an id not matching {@link Session#ID_PATTERN}: 400 / 4400 "Invalid session id";</li>
 *   <li>a traversing path ({@code ..}, {@code %2e%2e}, {@code %2f}, {@code %5c}, {@code %252e}):
 *       400 / 4400 "Invalid path", before any lookup;</li>
 *   <li>an unknown session, <em>and</em> a session the principal may not use: the identical
 *       {@link #SESSION_NOT_FOUND} (404 / 4404 "Session not found"), so existence cannot be probed;</li>
 *   <li>no exposure serves the path: 404 / 4404 "No exposed port for this path".</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. Runs on the handshake thread; blocks only as long as the directory
 * and the session's {@link SessionAccess} do (they must not).
 */
public final class SessionRoutes implements RouteResolver {

  private static final Logger log = LoggerFactory.getLogger(SessionRoutes.class);

  /** The placeholder name in session patterns. */
  public static final String PLACEHOLDER = "sessionId";
  /** The default session pattern. */
  public static final String DEFAULT_PATTERN = "/s/{" + PLACEHOLDER + "}/ws";

  /** The answer for an unknown session and for a session the principal may not use. */
  public static final Rejection SESSION_NOT_FOUND = Rejection.notFound("Session not found");
  /** The answer for an id that is not a valid session id. */
  public static final Rejection INVALID_SESSION_ID = Rejection.badRequest("Invalid session id");
  /** The answer for a session path no exposure serves. */
  public static final Rejection NO_EXPOSED_PORT = Rejection.notFound("No exposed port for this path");
  /** The answer for a path that could traverse once decoded. */
  public static final Rejection INVALID_PATH = Rejection.badRequest("Invalid path");

  private static final PathTemplate DEFAULT_TEMPLATE =
      PathTemplate.parse("pattern", DEFAULT_PATTERN, PLACEHOLDER);

  private final SessionDirectory directory;
  private final PathTemplate template;
  private final PublicUrls urls; // null: no subdomain routing

  private SessionRoutes(SessionDirectory directory, PathTemplate template, PublicUrls urls) {
    this.directory = directory;
    this.template = template;
    this.urls = urls;
  }

  /** A builder routing to sessions found in {@code directory}. */
  public static Builder builder(SessionDirectory directory) {
    return new Builder(directory);
  }

  static PathTemplate defaultTemplate() {
    return DEFAULT_TEMPLATE;
  }

  @Override
  public RouteResult resolve(HandshakeRequest request, Principal principal) {
    String id;
    String rest;
    Optional<String> fromHost = urls == null ? Optional.empty()
        : urls.sessionIdFromHost(request.header("Host").orElse(null));
    if (fromHost.isPresent()) {
      id = fromHost.get();
      rest = request.path();
    } else {
      PathTemplate.Match m = template.match(request.path());
      if (m == null) {
        return RouteResult.NO_MATCH;
      }
      id = m.value();
      rest = m.rest();
    }
    if (!Session.isValidId(id)) {
      return INVALID_SESSION_ID;
    }
    if (RequestPaths.hasTraversal(rest)) {
      return INVALID_PATH;
    }
    Session session = directory.find(id).orElse(null);
    if (session == null || !allows(session, principal)) {
      return SESSION_NOT_FOUND;
    }
    RouteResult result = session.ports().route(rest, request.rawQuery());
    if (result instanceof Route route) {
      return session.connections() == null ? route : route.inGroup(session.connections());
    }
    return result == RouteResult.NO_MATCH ? NO_EXPOSED_PORT : result;
  }

  /** The session pattern, e.g. {@code /s/{sessionId}/ws}. */
  public String pattern() {
    return template.pattern();
  }

  private static boolean allows(Session session, Principal principal) {
    try {
      return session.access().allows(principal);
    } catch (RuntimeException e) {
      log.warn("SessionAccess of session {} threw; denying {}", session.id(), principal.name(), e);
      return false;
    }
  }

  /** Builds {@link SessionRoutes}; not thread-safe. */
  public static final class Builder {
    private final SessionDirectory directory;
    private PathTemplate template;
    private PublicUrls urls;

    private Builder(SessionDirectory directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The session pattern; must hold {@code {sessionId}} as a whole segment. */
    public Builder pattern(String pattern) {
      this.template = PathTemplate.parse("pattern", pattern, PLACEHOLDER);
      return this;
    }

    /**
     * Routes the URLs {@code publicUrls} generates: its path pattern, and its subdomain-style hosts
     * when it has them.
     */
    public Builder publicUrls(PublicUrls publicUrls) {
      this.urls = Objects.requireNonNull(publicUrls, "publicUrls");
      return this;
    }

    /** Builds the resolver; a {@link #pattern} that differs from the public URLs' is an error. */
    public SessionRoutes build() {
      PathTemplate t = template;
      if (urls != null) {
        if (t != null && !t.pattern().equals(urls.pathPattern())) {
          throw new IllegalStateException("pattern " + t.pattern() + " differs from publicUrls"
              + " pathPattern " + urls.pathPattern() + ": generated URLs would not route");
        }
        t = urls.template();
      }
      return new SessionRoutes(directory, t == null ? DEFAULT_TEMPLATE : t, urls);
    }
  }
}
