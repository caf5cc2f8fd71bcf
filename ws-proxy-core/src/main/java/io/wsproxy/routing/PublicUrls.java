package io.wsproxy.routing;

import io.wsproxy.routing.internal.HostNames;
import io.wsproxy.routing.internal.PathTemplate;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How clients reach sessions from outside: the public domain, the scheme, and the two URL styles.
 * {@link SessionRegistry} uses it to freeze each session's {@link ExposedUrls} when it is registered,
 * and {@link SessionRoutes} routes exactly the URLs it generates.
 *
 * <ul>
 *   <li><b>Path style</b>: {@code wss://proxy.example.com/s/abc/ws/api} — the session pattern
 *       ({@link SessionRoutes#DEFAULT_PATTERN}) expanded, then the exposure's prefix ({@code /} for
 *       the default exposure).</li>
 *   <li><b>Subdomain style</b>: {@code wss://s-abc.proxy.example.com/api} — one host name per
 *       session, the whole path for the exposures. Needs a wildcard DNS record and certificate.</li>
 * </ul>
 *
 * <p>Each URL comes as {@code wss}/{@code https} when {@link Builder#secure} (the default; the
 * public side is normally behind TLS) or {@code ws}/{@code http}. The {@code http(s)} variant is the
 * same address for browsers and plain HTTP clients; this library proxies only WebSocket upgrades on
 * it, so the host serves plain HTTP there itself if it needs to.
 *
 * <p>The public domain is required: there is no {@code localhost} default, because URLs handed to
 * clients that silently point at {@code localhost} work on a laptop and nowhere else.
 *
 * <p>Immutable and thread-safe.
 */
public final class PublicUrls {

  /** The default label prefix of subdomain-style hosts: {@code s-{sessionId}.{publicDomain}}. */
  public static final String DEFAULT_SUBDOMAIN_PREFIX = "s-";

  private final String publicDomain; // lower-case host[:port]
  private final String domainHost;   // without port
  private final boolean secure;
  private final PathTemplate pattern;
  private final String subdomainPrefix;
  private final boolean subdomains;

  private PublicUrls(Builder b) {
    this.publicDomain = b.publicDomain;
    this.domainHost = HostNames.withoutPort(b.publicDomain);
    this.secure = b.secure;
    this.pattern = b.pattern;
    this.subdomainPrefix = b.subdomainPrefix;
    this.subdomains = b.subdomains && !HostNames.isIpLiteral(domainHost);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.publicDomain = publicDomain;
    b.secure = secure;
    b.pattern = pattern;
    b.subdomainPrefix = subdomainPrefix;
    b.subdomains = subdomains;
    return b;
  }

  /** The URLs of every exposure of {@code session}. */
  public ExposedUrls forSession(Session session) {
    Objects.requireNonNull(session, "session");
    String label = subdomainLabel(session.id());
    List<ExposedUrls.Exposed> out = new ArrayList<>();
    for (Exposure e : session.exposures()) {
      String tail = e.pathPrefix(); // "/" for the default exposure
      ExposedUrls.Endpoint path = endpoint(publicDomain, pattern.expand(session.id()) + tail);
      ExposedUrls.Endpoint sub = label == null ? null : endpoint(label + "." + publicDomain, tail);
      out.add(new ExposedUrls.Exposed(e, path, sub));
    }
    return new ExposedUrls(session.id(), out);
  }

  /** The public domain, lower-cased, with its port if one was given. */
  public String publicDomain() {
    return publicDomain;
  }

  /** Whether URLs use {@code wss}/{@code https}. */
  public boolean secure() {
    return secure;
  }

  /** The session path pattern, e.g. {@code /s/{sessionId}/ws}. */
  public String pathPattern() {
    return pattern.pattern();
  }

  /** Whether subdomain-style URLs are generated (never for an IP-address domain). */
  public boolean subdomains() {
    return subdomains;
  }

  /** The label prefix of subdomain-style hosts. */
  public String subdomainPrefix() {
    return subdomainPrefix;
  }

  PathTemplate template() {
    return pattern;
  }

  /**
   * The session id a {@code Host} header names in subdomain style ({@code s-abc.proxy.example.com},
   * any port), or empty when the host is not a session subdomain of this domain. The id is
   * lower-cased and not yet validated.
   */
  Optional<String> sessionIdFromHost(String hostHeader) {
    if (!subdomains || hostHeader == null) {
      return Optional.empty();
    }
    String host = HostNames.withoutPort(hostHeader);
    String suffix = "." + domainHost;
    if (!host.endsWith(suffix)) {
      return Optional.empty();
    }
    String label = host.substring(0, host.length() - suffix.length());
    if (label.contains(".") || !label.startsWith(subdomainPrefix)) {
      return Optional.empty();
    }
    return Optional.of(label.substring(subdomainPrefix.length()));
  }

  private String subdomainLabel(String id) {
    String label = subdomainPrefix + id;
    return subdomains && HostNames.isStrictLabel(label) ? label : null;
  }

  private ExposedUrls.Endpoint endpoint(String authority, String path) {
    return new ExposedUrls.Endpoint(
        URI.create((secure ? "wss://" : "ws://") + authority + path),
        URI.create((secure ? "https://" : "http://") + authority + path));
  }

  /** Builds {@link PublicUrls}; not thread-safe. */
  public static final class Builder {
    private String publicDomain;
    private boolean secure = true;
    private PathTemplate pattern = SessionRoutes.defaultTemplate();
    private String subdomainPrefix = DEFAULT_SUBDOMAIN_PREFIX;
    private boolean subdomains = true;

    private Builder() {}

    /**
     * Required: the host name clients use to reach this proxy, optionally with {@code :port}, such as
     * {@code proxy.example.com} or {@code proxy.example.com:8443}. No scheme, path or query.
     */
    public Builder publicDomain(String domain) {
      this.publicDomain = HostNames.publicDomain("publicDomain", domain);
      return this;
    }

    /** Whether URLs use {@code wss}/{@code https} (default true) or {@code ws}/{@code http}. */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /**
     * The session path pattern; must hold {@code {sessionId}} as a whole segment. Default
     * {@link SessionRoutes#DEFAULT_PATTERN}. {@link SessionRoutes} built from these URLs uses it.
     */
    public Builder pathPattern(String pattern) {
      this.pattern = PathTemplate.parse("pathPattern", pattern, SessionRoutes.PLACEHOLDER);
      return this;
    }

    /** Whether to generate (and route) subdomain-style URLs; default true. */
    public Builder subdomains(boolean enabled) {
      this.subdomains = enabled;
      return this;
    }

    /** The label prefix of subdomain-style hosts (default {@code s-}): lower-case letters, digits, '-'. */
    public Builder subdomainPrefix(String prefix) {
      Objects.requireNonNull(prefix, "subdomainPrefix");
      if (!prefix.isEmpty() && !prefix.matches("[a-z0-9][a-z0-9-]{0,30}")) {
        throw new IllegalArgumentException(
            "subdomainPrefix must be lower-case letters, digits or '-', at most 31: " + prefix);
      }
      this.subdomainPrefix = prefix;
      return this;
    }

    /** Builds the URLs; throws {@link IllegalStateException} if {@code publicDomain} is not set. */
    public PublicUrls build() {
      if (publicDomain == null) {
        throw new IllegalStateException("publicDomain is required: the host name (optionally with"
            + " :port) clients use to reach this proxy, such as proxy.example.com. There is no"
            + " default, so exposed URLs never silently point at localhost");
      }
      return new PublicUrls(this);
    }
  }
}
