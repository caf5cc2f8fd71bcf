package io.wsproxy;

import io.wsproxy.security.internal.OriginRules;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether a handshake's {@code Origin} is allowed. Ready filters are static factories here:
 *
 * <pre>{@code
 * OriginFilter.allowList("https://app.example.com", "https://*.example.com", "http://localhost:3000")
 * OriginFilter.sameOrigin().allowMissing(false)
 * }</pre>
 *
 * <p><b>Why it matters.</b> A browser attaches cookies and other ambient credentials to a WebSocket
 * upgrade from <em>any</em> page, and the Same-Origin Policy does not protect WebSocket connections;
 * only the server's origin check stops a hostile page from talking to a private backend
 * (cross-site WebSocket hijacking). Browsers always send {@code Origin} and pages cannot forge it.
 *
 * <p><b>Rules of the ready filters</b> ({@link #allowList}, {@link #sameOrigin}): scheme, host and port
 * must match exactly; host and scheme ignore ASCII case; a default port equals an omitted one
 * ({@code https://a.com} = {@code https://a.com:443}); {@code https://*.example.com} matches whole
 * subdomain labels only ({@code a.example.com}, {@code a.b.example.com}; not {@code example.com},
 * {@code example.com.evil.io} or {@code aexample.com}). A request with several {@code Origin} headers,
 * or an origin that is not exactly {@code scheme://host[:port]} (user info, path, trailing dot,
 * whitespace, non-ASCII host), is refused.
 *
 * <p><b>Missing and {@code null} origins</b> have their own policy, see {@link Policy}. Defaults:
 * a <em>missing</em> {@code Origin} is allowed (only non-browser clients omit it, and they carry no
 * ambient browser credentials; refuse it with {@code allowMissing(false)} when only browsers may
 * connect); the literal {@code null} origin is refused (any page can produce it from a sandboxed
 * iframe or a {@code data:} URL, so allowing it would let every site in).
 *
 * <p>The proxy checks the origin first, after forwarded headers are normalised (so it still applies
 * behind a trusted proxy); a refusal is 403 / 4403 "Origin not allowed" and nothing is dialled.
 * Implementations must be thread-safe and must not block; the ready filters are immutable.
 */
@FunctionalInterface
public interface OriginFilter {

  /** Whether the request's origin (its {@code Origin} headers) is allowed. */
  boolean allows(HandshakeRequest request);

  /**
   * Whether this filter allows every request, so a proxy can warn when it is combined with
   * authentication (an allow-all filter lets any web page use a browser's credentials).
   * {@code true} only for {@link #allowAll()}.
   */
  default boolean allowsAll() {
    return false;
  }

  /** Allows every request, whatever its origin: for non-browser clients and development only. */
  static OriginFilter allowAll() {
    return OriginRules.ALLOW_ALL;
  }

  /**
   * Allows origins matching one of {@code patterns}: {@code scheme://host[:port]} or
   * {@code scheme://*.domain[:port]}; hosts may be written in Unicode (stored as punycode).
   *
   * @throws IllegalArgumentException naming the first invalid pattern, or when there is none
   */
  static Policy allowList(String... patterns) {
    Objects.requireNonNull(patterns, "patterns");
    return allowList(List.of(patterns));
  }

  /** As {@link #allowList(String...)}. */
  static Policy allowList(Collection<String> patterns) {
    return OriginRules.allowList(patterns);
  }

  /**
   * Allows an origin equal to the address the client asked for: host and port from the
   * {@code Host} header, scheme {@code https} on a TLS connection, else {@code http}. Behind a
   * trusted proxy, {@code X-Forwarded-Host} and {@code X-Forwarded-Proto} (first element) take their
   * place; the proxy removes those headers from untrusted peers before any filter runs.
   */
  static Policy sameOrigin() {
    return OriginRules.sameOrigin();
  }

  /**
   * A ready filter with its policy for requests without an {@code Origin} and with the
   * {@code null} origin. Immutable: each method returns a new filter.
   */
  interface Policy extends OriginFilter {

    /** Whether a request with no {@code Origin} header is allowed (default {@code true}). */
    Policy allowMissing(boolean allow);

    /** Whether the literal origin {@code null} is allowed (default {@code false}). */
    Policy allowNull(boolean allow);
  }
}
