package io.wsproxy.routing;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import io.wsproxy.CloseCodes;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.RouteResult;
import io.wsproxy.internal.RequestPaths;
import io.wsproxy.routing.internal.Checks;
import io.wsproxy.routing.internal.HostNames;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks which of a host's exposed ports serves a path, the way a sandbox session exposes a dev
 * server on one port and an API on another.
 *
 * <p><b>Selection.</b> The exposure whose prefix matches the path on a segment boundary wins, longest
 * prefix first ({@code /api} matches {@code /api} and {@code /api/x}, never {@code /apix}). When none
 * matches, the default exposure (prefix {@code /}) serves the path; when there is no default, nothing
 * does and the request is refused. There is deliberately no "first port" fallback: a path-scoped
 * service never receives traffic meant for another.
 *
 * <p><b>The prefix is kept.</b> The whole path goes upstream unchanged, prefix included:
 * {@code /api/users?x=1} on {@code {9002, /api}} dials {@code ws://host:9002/api/users?x=1}. A
 * path-scoped service (a dev server with a base path, an API mounted under {@code /api}) expects its
 * own prefix, and the sandbox systems this replaces forward it the same way. Paths that could
 * traverse once decoded ({@code ..}, {@code %2e%2e}, {@code %2f}, {@code %5c}, {@code %252e}, ...)
 * are refused with 400 / 4400.
 *
 * <p>As a {@link RouteResolver} on its own it routes the whole request path (useful for one VM
 * behind a proxy) and answers {@link RouteResult#NO_MATCH} when no exposure serves the path.
 * {@link SessionRoutes} uses it for the path after a session's prefix and refuses with 404 instead.
 *
 * <p>Immutable and thread-safe; never blocks. The host comes from configuration, never from a request.
 */
public final class PortResolver implements RouteResolver {

  private final String host;          // URI form: name, IPv4, or [IPv6]
  private final boolean tls;
  private final List<Exposure> exposures;  // as configured
  private final List<Exposure> prefixed;   // non-default, longest prefix first
  private final Exposure fallback;         // the default exposure, or null
  private final List<String> subprotocols;
  private final Integer upstreamFailureCloseCode; // null: the proxy's

  private PortResolver(Builder b) {
    this.host = b.host;
    this.tls = b.tls;
    this.exposures = List.copyOf(b.exposures);
    List<Exposure> p = new ArrayList<>();
    Exposure d = null;
    for (Exposure e : exposures) {
      if (e.isDefault()) {
        d = e;
      } else {
        p.add(e);
      }
    }
    p.sort(Comparator.comparingInt((Exposure e) -> e.pathPrefix().length()).reversed());
    this.prefixed = List.copyOf(p);
    this.fallback = d;
    this.subprotocols = List.copyOf(b.subprotocols);
    this.upstreamFailureCloseCode = b.upstreamFailureCloseCode;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this resolver's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.tls = tls;
    b.exposures.addAll(exposures);
    b.subprotocols.addAll(subprotocols);
    b.upstreamFailureCloseCode = upstreamFailureCloseCode;
    return b;
  }

  /**
   * The exposure that serves a raw path, or empty when none does. The empty path counts as
   * {@code /}.
   */
  public Optional<Exposure> select(String rawPath) {
    String path = rawPath.isEmpty() ? "/" : rawPath;
    for (Exposure e : prefixed) {
      if (RequestPaths.remainderAfterPrefix(path, e.pathPrefix()) != null) {
        return Optional.of(e);
      }
    }
    return Optional.ofNullable(fallback);
  }

  /**
   * The route for a raw path and query: a {@link Route} to the selected port with the path and
   * query unchanged, a 400 / 4400 {@link Rejection} for a traversing or malformed path, or
   * {@link RouteResult#NO_MATCH} when no exposure serves the path.
   */
  public RouteResult route(String rawPath, String rawQuery) {
    if (RequestPaths.hasTraversal(rawPath)) {
      return Rejection.badRequest("Invalid path");
    }
    Optional<Exposure> chosen = select(rawPath);
    if (chosen.isEmpty()) {
      return RouteResult.NO_MATCH;
    }
    URI base = URI.create((tls ? "wss://" : "ws://") + host + ":" + chosen.get().port());
    URI target = RequestPaths.appendPathAndQuery(base, rawPath, rawQuery);
    if (target == null) {
      return Rejection.badRequest("Invalid path");
    }
    return Route.to(target).withSubprotocols(subprotocols)
        .withUpstreamFailureCloseCode(upstreamFailureCloseCode);
  }

  /** Routes the whole request path; see the class description. */
  @Override
  public RouteResult resolve(HandshakeRequest request, Principal principal) {
    return route(request.path(), request.rawQuery());
  }

  /** The upstream host in URI form (IPv6 in brackets). */
  public String host() {
    return host;
  }

  /** Whether upstream connections use TLS ({@code wss}). */
  public boolean tls() {
    return tls;
  }

  /** The exposures, in the order configured. */
  public List<Exposure> exposures() {
    return exposures;
  }

  /** The routes' upstream-failure close code, or {@code null} for the proxy's. */
  public Integer upstreamFailureCloseCode() {
    return upstreamFailureCloseCode;
  }

  /** The subprotocols routes accept (see {@link Route}). */
  public List<String> subprotocols() {
    return subprotocols;
  }

  /** Builds a {@link PortResolver}; not thread-safe. */
  public static final class Builder {
    private String host;
    private boolean tls;
    private final List<Exposure> exposures = new ArrayList<>();
    private final List<String> subprotocols = new ArrayList<>();
    private Integer upstreamFailureCloseCode;

    private Builder() {}

    /**
     * The upstream host: a host name or IP address from configuration (a VM's guest address), never
     * from a request. No scheme, port or path.
     */
    public Builder host(String host) {
      this.host = HostNames.uriHost("host", host);
      return this;
    }

    /** Whether to dial {@code wss://} instead of {@code ws://}; default false. */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Adds the default exposure of {@code port}. */
    public Builder expose(int port) {
      return expose(Exposure.of(port));
    }

    /** Adds {@code port}, serving {@code pathPrefix} and below. */
    public Builder expose(int port, String pathPrefix) {
      return expose(Exposure.of(port, pathPrefix));
    }

    /** Adds an exposure; each prefix (and the default) may be exposed once. */
    public Builder expose(Exposure exposure) {
      Objects.requireNonNull(exposure, "exposure");
      for (Exposure e : exposures) {
        if (e.pathPrefix().equals(exposure.pathPrefix())) {
          throw new IllegalArgumentException("exposures: prefix " + exposure.pathPrefix()
              + " is exposed twice (ports " + e.port() + " and " + exposure.port() + ")");
        }
      }
      exposures.add(exposure);
      return this;
    }

    /** Replaces the exposures with {@code list}. */
    public Builder exposures(List<Exposure> list) {
      Objects.requireNonNull(list, "exposures");
      Builder check = new Builder();
      list.forEach(check::expose);
      exposures.clear();
      exposures.addAll(check.exposures);
      return this;
    }

    /** The subprotocols routes accept (e.g. {@code vite-hmr}); replaces earlier ones. */
    public Builder subprotocols(List<String> accepted) {
      List<String> checked = Checks.subprotocols("subprotocols", accepted);
      subprotocols.clear();
      subprotocols.addAll(checked);
      return this;
    }

    /**
     * The close code the routes' clients get when their upstream cannot be reached or drops
     * ({@link Route#upstreamFailureCloseCode}); {@code null} (the default) for the proxy's.
     *
     * @throws IllegalArgumentException naming {@code upstreamFailureCloseCode} if it cannot be sent
     */
    public Builder upstreamFailureCloseCode(Integer code) {
      if (code != null) {
        CloseCodes.requireSendable("upstreamFailureCloseCode", code);
      }
      this.upstreamFailureCloseCode = code;
      return this;
    }

    /** Builds the resolver; {@code host} and at least one exposure are required. */
    public PortResolver build() {
      if (host == null) {
        throw new IllegalStateException("host is required: the address of the exposed ports");
      }
      if (exposures.isEmpty()) {
        throw new IllegalStateException("exposures: expose at least one port");
      }
      return new PortResolver(this);
    }
  }
}
