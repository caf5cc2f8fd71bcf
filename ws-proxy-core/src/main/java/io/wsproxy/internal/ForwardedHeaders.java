package io.wsproxy.internal;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Principal;
import io.wsproxy.TrustedProxies;
import io.wsproxy.security.internal.HeaderNames;
import io.wsproxy.spi.UpgradeCheck;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Works out who the client is and which headers go upstream.
 *
 * <ul>
 *   <li>From an untrusted peer, every forwarding header ({@code X-Forwarded-*}, {@code X-Real-IP},
 *       {@code Forwarded}), every configured identity header and every
 *       {@linkplain #WELL_KNOWN_IDENTITY_HEADERS well-known one} is dropped before anything else
 *       sees the request ({@link #dropUntrusted}).</li>
 *   <li>The client address is the peer's, or for a trusted peer the rightmost untrusted
 *       {@code X-Forwarded-For} entry ({@link TrustedProxies#clientAddress}).</li>
 *   <li>The proxy always sets {@code X-Forwarded-For} (a trusted peer's chain with the peer
 *       appended, else just the peer), {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}
 *       (a trusted peer's, else its own); it appends the peer to a trusted peer's
 *       {@code Forwarded}, and puts the principal's name in the configured principal header,
 *       replacing any client-sent copy.</li>
 *   <li>Hop-by-hop headers, the headers of the WebSocket handshake (the upstream connector makes
 *       its own) and every header the client names in {@code Connection} never go upstream, except
 *       the ones the proxy sets itself.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class ForwardedHeaders {

  /** The outcome: the client's address and the headers for the upstream request. */
  public record Result(String clientAddress, Headers upstreamHeaders) {}

  /**
   * Which peers are believed and which extra headers are identity claims. Immutable.
   *
   * @param trustedProxies  peers whose forwarding and identity headers are kept
   * @param identityHeaders headers that assert who the user is (e.g. {@code Tailscale-User-Login}),
   *                        dropped from untrusted peers; names are stored lower-case, in a set
   *                        that matches names in any case
   * @param principalHeader header the authenticated principal's name is sent upstream in (client
   *                        copies are always replaced), or {@code null} to send none
   */
  public record Policy(TrustedProxies trustedProxies, Set<String> identityHeaders,
      String principalHeader) {

    public Policy {
      Objects.requireNonNull(trustedProxies, "trustedProxies");
      Objects.requireNonNull(identityHeaders, "identityHeaders");
      List<String> names = new ArrayList<>();
      for (String h : identityHeaders) {
        names.add(HeaderNames.requireToken("identityHeaders", h));
      }
      identityHeaders = names(names.toArray(String[]::new));
      if (principalHeader != null) {
        HeaderNames.requireToken("principalHeader", principalHeader);
        if ((KNOWN.flags(principalHeader) & (NEVER_FORWARDED | PROXY_SET)) != 0) {
          throw new IllegalArgumentException("principalHeader must not be a hop-by-hop, handshake "
              + "or forwarding header: " + principalHeader);
        }
      }
    }

    /** Trusts {@code trusted}; no identity headers, no principal header. */
    public static Policy of(TrustedProxies trusted) {
      return new Policy(trusted, Set.of(), null);
    }

    /** This policy with these identity header names. */
    public Policy withIdentityHeaders(Collection<String> names) {
      return new Policy(trustedProxies, Set.copyOf(names), principalHeader);
    }

    /** This policy sending the principal's name upstream in {@code name} ({@code null}: none). */
    public Policy withPrincipalHeader(String name) {
      return new Policy(trustedProxies, identityHeaders, name);
    }

    /** Whether header {@code name} (in any case) is dropped from an untrusted peer. */
    private boolean isDroppedFromUntrusted(String name) {
      return isDroppedFromUntrusted(name, KNOWN.flags(name));
    }

    /** As {@link #isDroppedFromUntrusted(String)}, with the name's flags already looked up. */
    private boolean isDroppedFromUntrusted(String name, int known) {
      return (known & UNTRUSTED_DROPS) != 0
          || (!identityHeaders.isEmpty() && identityHeaders.contains(name))
          || (principalHeader != null && principalHeader.equalsIgnoreCase(name));
    }
  }

  /** Hop-by-hop (RFC 7230 section 6.1), and the WebSocket handshake's own: never forwarded. */
  private static final String[] NEVER_FORWARDED_NAMES = {
      "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
      "TE", "Trailer", "Transfer-Encoding", "Upgrade",
      // the WebSocket handshake itself: the upstream connector sends its own
      "Host", "Content-Length", "Expect", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
      "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Sec-WebSocket-Accept"};

  /** Set (or appended to) by the proxy itself: client copies never pass as they are. */
  private static final String[] PROXY_SET_NAMES = {
      "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded"};

  /** Forwarding headers passed on from a trusted peer, dropped from anyone else. */
  private static final String[] PASSED_FROM_TRUSTED_NAMES = {
      "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Real-IP"};

  /** The well-known identity headers, as {@link #WELL_KNOWN_IDENTITY_HEADERS} lists them. */
  private static final String[] WELL_KNOWN_IDENTITY_NAMES = {
      "Tailscale-User-Login", "Tailscale-User-Name", "Tailscale-User-Profile-Pic",
      "X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Preferred-Username",
      "X-Forwarded-Groups", "X-Auth-Request-User", "X-Auth-Request-Email",
      "X-Auth-Request-Preferred-Username", "X-Auth-Request-Groups", "X-Remote-User",
      "Remote-User", "Remote-Email", "Remote-Groups", "X-WEBAUTH-USER"};

  /**
   * Identity headers that VPNs and auth proxies (Tailscale, oauth2-proxy, Authelia, Grafana's auth
   * proxy mode...) set and upstreams commonly trust. They are dropped from untrusted peers even when
   * none is configured: an upstream that trusts one of them would otherwise be open to anyone who
   * sends it. From a trusted proxy they pass. Lower-case; {@code contains} matches any case.
   */
  public static final Set<String> WELL_KNOWN_IDENTITY_HEADERS = names(WELL_KNOWN_IDENTITY_NAMES);

  // the flags of the names above, in one table: one lookup per header, not one per set
  private static final int NEVER_FORWARDED = 1;
  private static final int PROXY_SET = 2;
  private static final int PASSED_FROM_TRUSTED = 4;
  private static final int WELL_KNOWN_IDENTITY = 8;
  /** Dropped from an untrusted peer (with the policy's own identity and principal headers). */
  private static final int UNTRUSTED_DROPS = PROXY_SET | PASSED_FROM_TRUSTED | WELL_KNOWN_IDENTITY;
  private static final HeaderNameTable KNOWN = new HeaderNameTable.Builder()
      .add(NEVER_FORWARDED, NEVER_FORWARDED_NAMES)
      .add(PROXY_SET, PROXY_SET_NAMES)
      .add(PASSED_FROM_TRUSTED, PASSED_FROM_TRUSTED_NAMES)
      .add(WELL_KNOWN_IDENTITY, WELL_KNOWN_IDENTITY_NAMES)
      .build();

  private ForwardedHeaders() {}

  /**
   * {@code request} without forwarding, identity and principal headers when its peer is not a
   * trusted proxy; the request itself otherwise. What origin filters, validators and resolvers see.
   */
  public static HandshakeRequest dropUntrusted(HandshakeRequest request, Policy policy) {
    if (isPeerTrusted(request, policy.trustedProxies())) {
      return request;
    }
    Headers.Builder kept = null;
    for (String name : request.headers().names()) {
      if (policy.isDroppedFromUntrusted(name)) {
        kept = (kept != null ? kept : request.headers().toBuilder()).remove(name);
      }
    }
    return kept == null ? request : request.toBuilder().headers(kept.build()).build();
  }

  /** The client's IP address: the peer's, or from a trusted peer's {@code X-Forwarded-For}. */
  public static String clientAddress(HandshakeRequest request, TrustedProxies trusted) {
    InetAddress peer = request.remoteAddress().getAddress();
    if (peer == null) {
      return request.remoteAddress().getHostString();
    }
    return text(trusted.clientAddress(peer, request.headers().all("X-Forwarded-For")));
  }

  /**
   * The client's address and the upstream headers of {@code request} (already passed through
   * {@link #dropUntrusted} and stripped of credentials), for {@code principal}.
   */
  public static Result normalise(HandshakeRequest request, Policy policy, Principal principal) {
    InetAddress peer = request.remoteAddress().getAddress();
    String peerIp = peer == null ? request.remoteAddress().getHostString() : text(peer);
    boolean peerTrusted = isPeerTrusted(request, policy.trustedProxies());
    List<String> connection = request.headers().all("Connection");

    Headers.Builder out = Headers.builder();
    request.headers().forEach((name, value) -> {
      // names are matched in any case, without a lower-case copy of each
      int known = KNOWN.flags(name);
      boolean drop = (known & (NEVER_FORWARDED | PROXY_SET)) != 0
          || namedIn(connection, name) // named in Connection: hop-by-hop
          || (policy.principalHeader() != null && policy.principalHeader().equalsIgnoreCase(name))
          || (!peerTrusted && policy.isDroppedFromUntrusted(name, known));
      if (!drop) {
        out.add(name, value);
      }
    });

    Headers in = request.headers();
    String priorFor = peerTrusted ? String.join(", ", in.all("X-Forwarded-For")).strip() : "";
    out.set("X-Forwarded-For", priorFor.isEmpty() ? peerIp : priorFor + ", " + peerIp);
    String proto = peerTrusted ? in.first("X-Forwarded-Proto").orElse(null) : null;
    String ownProto = request.secure() ? "https" : "http";
    out.set("X-Forwarded-Proto", proto != null ? proto : ownProto);
    String host = peerTrusted ? in.first("X-Forwarded-Host").orElse(null) : null;
    if (host == null) {
      host = in.first("Host").orElse(null);
    }
    if (host != null) {
      out.set("X-Forwarded-Host", host);
    }
    String priorForwarded = peerTrusted ? String.join(", ", in.all("Forwarded")).strip() : "";
    if (!priorForwarded.isEmpty()) {
      out.set("Forwarded", priorForwarded + ", for=" + forwardedNode(peer, peerIp) + ";proto="
          + ownProto);
    }
    if (policy.principalHeader() != null && !principal.isAnonymous()) {
      out.set(policy.principalHeader(), principal.name());
    }
    // an untrusted peer's forwarding headers are not believed: the client is the peer
    String client = peerTrusted || peer == null ? clientAddress(request, policy.trustedProxies())
        : peerIp;
    return new Result(client, out.build());
  }

  /**
   * Whether the {@code Connection} header values name {@code name} (in any case), as
   * {@link UpgradeCheck#hasToken} would after lower-casing it: the usual {@code Upgrade} is a
   * handshake header, dropped anyway, and is the only token checked without a copy of the name.
   */
  private static boolean namedIn(List<String> connection, String name) {
    if (connection.size() == 1 && connection.get(0).equalsIgnoreCase("upgrade")) {
      return name.equalsIgnoreCase("upgrade");
    }
    return UpgradeCheck.hasToken(connection, name.toLowerCase(Locale.ROOT));
  }

  private static boolean isPeerTrusted(HandshakeRequest request, TrustedProxies trusted) {
    InetAddress peer = request.remoteAddress().getAddress();
    return peer != null && trusted.isTrusted(peer);
  }

  /** An address as text, without an IPv6 scope id. */
  private static String text(InetAddress address) {
    String s = address.getHostAddress();
    int scope = s.indexOf('%');
    return scope < 0 ? s : s.substring(0, scope);
  }

  /** A {@code Forwarded} node (RFC 7239 section 6): IPv6 in quotes and brackets. */
  private static String forwardedNode(InetAddress peer, String ip) {
    return peer instanceof Inet6Address ? "\"[" + ip + "]\"" : ip;
  }

  /**
   * An unmodifiable set of header names, stored lower-case, whose {@code contains} matches a name in
   * any case (header names are ASCII tokens): no lower-case copy of every name looked up.
   */
  private static Set<String> names(String... names) {
    Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String n : names) {
      s.add(n.toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(s);
  }
}
