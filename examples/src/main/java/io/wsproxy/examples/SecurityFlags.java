package io.wsproxy.examples;

import io.wsproxy.AuthValidator;
import io.wsproxy.EndpointBuilder;
import io.wsproxy.Limits;
import io.wsproxy.OriginFilter;
import io.wsproxy.RejectionMode;
import io.wsproxy.TrustedProxies;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The handshake-security and limit flags shared by {@code proxy} and {@code gateway}. */
record SecurityFlags(OriginFilter originFilter, AuthValidator authValidator,
    TrustedProxies trustedProxies, String identityHeader, Limits limits,
    RejectionMode rejectionMode) {

  /** Every security and limit flag ({@code proxy} takes them all). */
  static final Set<String> FLAGS = Set.of("allow-origin", "bearer-token", "bearer-token-file",
      "bearer-query-param", "trusted-proxy", "identity-header", "max-message-size", "idle-timeout",
      "max-connections", "max-connections-per-address", "reject-with");

  /** The handshake bearer-token flags, which {@code proxy} and {@code gateway} both take. */
  static final Set<String> BEARER_FLAGS = Set.of("bearer-token", "bearer-token-file",
      "bearer-query-param");

  /** The switches among the security flags (both commands take them). */
  static final Set<String> SWITCHES = Set.of("bearer-subprotocol");

  /**
   * The flags that apply to the gateway: it authenticates by message ({@code --token}) and has its
   * own heartbeat instead of an idle timeout.
   */
  static final Set<String> GATEWAY_FLAGS = Set.of("allow-origin", "trusted-proxy",
      "identity-header", "max-message-size", "max-connections", "max-connections-per-address",
      "reject-with");

  /** {@code securityFlags} and a command's own value flags, for {@link Args#parse}. */
  static Set<String> plus(Set<String> securityFlags, String... commandFlags) {
    Set<String> all = new HashSet<>(securityFlags);
    all.addAll(List.of(commandFlags));
    return Set.copyOf(all);
  }

  /** The usage section for {@code flags}, with the defaults of {@code defaults}. */
  static String usage(Set<String> flags, Limits defaults) {
    Map<String, String> help = new LinkedHashMap<>();
    help.put("allow-origin", """
          --allow-origin PATTERN             allow browser pages from this origin (repeatable),
                                             e.g. https://app.example.com or https://*.example.com;
                                             without it every origin is allowed
        """);
    help.put("bearer-token", """
          --bearer-token TOKEN               require 'Authorization: Bearer TOKEN' (repeatable;
                                             visible in the process list: prefer the file)
        """);
    help.put("bearer-token-file", """
          --bearer-token-file FILE           require a bearer token listed in FILE (one per line,
                                             blank lines and lines starting with # ignored)
        """);
    help.put("bearer-query-param", """
          --bearer-query-param NAME          also take the bearer token from query parameter NAME
                                             (?NAME=TOKEN, for browsers); removed before routing
                                             and never passed on; redacted in logs
        """);
    help.put("bearer-subprotocol", """
          --bearer-subprotocol               also take the bearer token from the subprotocol offer
                                             'bearer, TOKEN' (new WebSocket(url, ['bearer', TOKEN])
                                             in a browser); the client is answered 'bearer' (or
                                             the upstream's choice); the token is never passed on
        """);
    help.put("trusted-proxy", """
          --trusted-proxy CIDR               believe X-Forwarded-* from this peer range (repeatable)
        """);
    help.put("identity-header", """
          --identity-header NAME             authenticate the handshake by this header (e.g.
                                             Tailscale-User-Login), believed only from
                                             --trusted-proxy peers; with bearer tokens either
                                             one admits a client
        """);
    help.put("max-message-size", String.format("""
          --max-message-size BYTES           largest frame and message accepted (default %d)
        """, defaults.maxMessageSize()));
    help.put("idle-timeout", String.format("""
          --idle-timeout SECONDS             close connections idle this long; 0 disables
                                             (default %d)
        """, defaults.idleTimeout().toSeconds()));
    help.put("max-connections", String.format("""
          --max-connections N                most open client connections (default %d)
        """, defaults.maxConnections()));
    help.put("max-connections-per-address", String.format("""
          --max-connections-per-address N    most open connections from one client address (after
                                             --trusted-proxy); 0 = no cap (default %s); behind a
                                             NAT or load balancer every client shares one address
        """, defaults.maxConnectionsPerAddress() == 0 ? "0, no cap"
            : String.valueOf(defaults.maxConnectionsPerAddress())));
    help.put("reject-with", """
          --reject-with status|close-code    refuse handshakes with an HTTP status (default) or by
                                             accepting and closing with 4400/4401/4403/4404/4429
        """);
    StringBuilder sb = new StringBuilder("Security and limits:\n");
    help.forEach((flag, text) -> {
      if (flags.contains(flag)) {
        sb.append(text);
      }
    });
    return sb.toString();
  }

  /** Parses the flags of {@link #FLAGS} with the proxy's default limits. */
  static SecurityFlags parse(Args args) throws UsageException {
    return parse(args, Limits.DEFAULTS);
  }

  /**
   * Parses the flags present in {@code args}; absent ones keep the defaults, with limits starting
   * from {@code base}.
   */
  static SecurityFlags parse(Args args, Limits base) throws UsageException {
    OriginFilter origins = OriginFilter.allowAll();
    List<String> patterns = args.all("allow-origin");
    if (!patterns.isEmpty()) {
      try {
        origins = OriginFilter.allowList(patterns);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--allow-origin: " + e.getMessage());
      }
    }

    List<String> tokens = new ArrayList<>(args.all("bearer-token"));
    for (String file : args.all("bearer-token-file")) {
      tokens.addAll(readTokens(file));
    }
    AuthValidator auth = bearer(args, tokens);

    TrustedProxies trusted = TrustedProxies.none();
    if (args.has("trusted-proxy")) {
      try {
        trusted = TrustedProxies.of(args.all("trusted-proxy"));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--trusted-proxy: " + e.getMessage());
      }
    }

    Limits.Builder limits = base.toBuilder();
    if (args.has("max-message-size")) {
      int size = (int) args.number("max-message-size", 0, 1, Integer.MAX_VALUE);
      limits.maxFrameSize(size).maxMessageSize(size);
    }
    long idle = args.number("idle-timeout", base.idleTimeout().toSeconds(), 0,
        Duration.ofDays(365).toSeconds());
    limits.idleTimeout(Duration.ofSeconds(idle));
    limits.maxConnections((int) args.number("max-connections", base.maxConnections(), 1,
        Integer.MAX_VALUE));
    limits.maxConnectionsPerAddress((int) args.number("max-connections-per-address",
        base.maxConnectionsPerAddress(), 0, Integer.MAX_VALUE));

    RejectionMode mode = switch (args.one("reject-with", "status")) {
      case "status" -> RejectionMode.HTTP_STATUS;
      case "close-code" -> RejectionMode.CLOSE_CODE;
      default -> throw new UsageException("--reject-with must be status or close-code");
    };
    String identity = args.one("identity-header", null);
    auth = withIdentityHeader(identity, auth, trusted);
    return new SecurityFlags(origins, auth, trusted, identity, limits.build(), mode);
  }

  /**
   * Sets the handshake half on {@code builder}: origin, auth (bearer tokens and the identity
   * header), trusted proxies, identity header and refusal mode (limits are the caller's, which may
   * differ per endpoint).
   */
  <B extends EndpointBuilder<B>> B applyTo(B builder) {
    builder.originFilter(originFilter).authValidator(authValidator).trustedProxies(trustedProxies)
        .rejectionMode(rejectionMode);
    if (identityHeader != null) {
      builder.identityHeaders(identityHeader); // checked by withIdentityHeader
    }
    return builder;
  }

  /**
   * {@code auth} or, with an identity header, the header's validator first and then {@code auth}
   * (either admits a client).
   */
  private static AuthValidator withIdentityHeader(String header, AuthValidator auth,
      TrustedProxies trusted) throws UsageException {
    if (header == null) {
      return auth;
    }
    try {
      AuthValidator byHeader = AuthValidator.identityHeader(header, trusted);
      return auth == AuthValidator.none() ? byHeader : AuthValidator.anyOf(byHeader, auth);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--identity-header: " + e.getMessage());
    }
  }

  /**
   * The bearer validator of {@code tokens} with the browser-usable sources the flags ask for, or
   * {@link AuthValidator#none()} without tokens.
   */
  private static AuthValidator bearer(Args args, List<String> tokens) throws UsageException {
    String queryParam = args.one("bearer-query-param", null);
    boolean subprotocol = args.has("bearer-subprotocol");
    if (tokens.isEmpty()) {
      if (args.has("bearer-token-file")) {
        throw new UsageException("--bearer-token-file holds no token");
      }
      if (queryParam != null || subprotocol) {
        throw new UsageException((queryParam != null ? "--bearer-query-param" : "--bearer-subprotocol")
            + " needs --bearer-token or --bearer-token-file: it says where a token may come from,"
            + " not which tokens are valid");
      }
      return AuthValidator.none();
    }
    AuthValidator.Bearer auth;
    try {
      auth = AuthValidator.bearerTokens(tokens);
    } catch (IllegalArgumentException e) {
      throw new UsageException("bearer tokens: " + e.getMessage()); // never shows a token
    }
    if (subprotocol) {
      auth = auth.alsoFromSubprotocol();
    }
    if (queryParam != null) {
      try {
        auth = auth.alsoFromQueryParameter(queryParam);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--bearer-query-param: " + e.getMessage());
      }
    }
    return auth;
  }

  private static List<String> readTokens(String file) throws UsageException {
    try {
      List<String> tokens = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
        String t = line.trim();
        if (!t.isEmpty() && !t.startsWith("#")) {
          tokens.add(t);
        }
      }
      return tokens;
    } catch (IOException e) {
      throw new UsageException("--bearer-token-file " + file + " cannot be read: " + e);
    }
  }
}
