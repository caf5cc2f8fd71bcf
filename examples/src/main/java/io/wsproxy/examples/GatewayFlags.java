package io.wsproxy.examples;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.Principal;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.gateway.Credentials;
import io.wsproxy.gateway.CredentialsValidator;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayBuilder;
import io.wsproxy.gateway.GatewayProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Set;

/**
 * The {@code gateway} command's own flags (the handshake-security and limit flags are
 * {@link SecurityFlags}'): protocol, profile, path, message auth by token or password, heartbeat,
 * auth timeout (the identity header and the per-address cap are {@link SecurityFlags}'). Applied
 * to a {@link GatewayBuilder}.
 */
final class GatewayFlags {

  /** The principal a client authenticated by {@code --token} or {@code --password} becomes. */
  static final Principal USER = Principal.of("user");

  /** This class's value flags. */
  static final Set<String> FLAGS = Set.of("protocol", "profile", "path", "token", "token-file",
      "password", "password-file", "ping-interval", "client-timeout", "auth-timeout");

  /** The usage lines of {@link #FLAGS}. */
  static final String USAGE = String.format("""
        --protocol envelope|jsonrpc        wire format (default: envelope; jsonrpc with
                                           --profile agent)
                                             envelope: {"type","id","sessionId","payload"}
                                             jsonrpc:  {"id","method","params"}
        --profile rooms|agent              rooms (default): rooms, presence and chat;
                                           agent: also agent.send/cancel, sessions.* as
                                           conversations, tools.* with a demo agent and tools
        --path PATH                        serve only this path, 404 elsewhere (default: any)
        --token TOKEN                      clients must first send auth {"token": TOKEN}
        --token-file FILE                  the same, the token read from FILE
        --password PASSWORD                clients must first send auth {"password": PASSWORD}
        --password-file FILE               the same, the password read from FILE
                                           (without a token or password every client is
                                           authenticated at once; prefer the files or
                                           WS_PROXY_TOKEN: arguments show in the process list)
        --auth-timeout SECONDS             time to authenticate by message (default %d)
        --ping-interval SECONDS            heartbeat ping interval; 0 disables (default %d)
        --client-timeout SECONDS           close clients silent this long (default %d)
      """, Gateway.DEFAULT_AUTH_TIMEOUT.toSeconds(), Gateway.DEFAULT_PING_INTERVAL.toSeconds(),
      Gateway.DEFAULT_CLIENT_TIMEOUT.toSeconds());

  private GatewayFlags() {}

  /** {@code base} with {@code --max-connections-per-address} applied. */
  static io.wsproxy.Limits limits(Args args, io.wsproxy.Limits base) throws UsageException {
    return base.toBuilder().maxConnectionsPerAddress((int) args.number(
        "max-connections-per-address", base.maxConnectionsPerAddress(), 0, Integer.MAX_VALUE))
        .build();
  }

  /** The protocol: given, else JSON-RPC for the agent profile and envelope otherwise. */
  static GatewayProtocol protocol(Args args) throws UsageException {
    String fallback = agentProfile(args) ? "jsonrpc" : "envelope";
    return switch (args.one("protocol", fallback)) {
      case "envelope" -> GatewayProtocol.ENVELOPE;
      case "jsonrpc" -> GatewayProtocol.JSON_RPC;
      default -> throw new UsageException("--protocol must be envelope or jsonrpc: "
          + args.one("protocol", null));
    };
  }

  static boolean agentProfile(Args args) throws UsageException {
    return switch (args.one("profile", "rooms")) {
      case "rooms" -> false;
      case "agent" -> true;
      default -> throw new UsageException("--profile must be rooms or agent: "
          + args.one("profile", null));
    };
  }

  /**
   * Applies the flags to {@code builder}; {@code handshakeAuth} is the handshake validator of
   * {@link SecurityFlags} (bearer tokens and identity header), already set on the builder. Answers
   * a short description of the auth for the start-up line.
   */
  static String apply(Args args, GatewayBuilder builder, AuthValidator handshakeAuth)
      throws UsageException {
    builder.protocol(protocol(args));
    if (agentProfile(args)) {
      builder.agentProfile(DemoAgent.profile());
    }
    try {
      String path = args.one("path", null);
      if (path != null) {
        builder.path(path);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--path: " + e.getMessage());
    }
    builder.authTimeout(Duration.ofSeconds(args.number("auth-timeout",
        Gateway.DEFAULT_AUTH_TIMEOUT.toSeconds(), 1, 3600)));
    Duration ping = Duration.ofSeconds(args.number("ping-interval",
        Gateway.DEFAULT_PING_INTERVAL.toSeconds(), 0, 3600));
    Duration silence = Duration.ofSeconds(args.number("client-timeout",
        Math.max(Gateway.DEFAULT_CLIENT_TIMEOUT.toSeconds(), 2 * ping.toSeconds() + 1), 1, 7200));
    if (!ping.isZero() && silence.compareTo(ping) <= 0) {
      throw new UsageException("--client-timeout must be longer than --ping-interval");
    }
    builder.pingInterval(ping).clientTimeout(silence);

    AuthValidator auth = handshakeAuth;
    CredentialsValidator token = null;
    CredentialsValidator password = null;
    try {
      String t = secret(args, "token");
      if (t != null) {
        token = CredentialsValidator.token(t, USER);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--token: " + e.getMessage()); // never shows the token
    }
    try {
      String p = secret(args, "password");
      if (p != null) {
        password = CredentialsValidator.password(p, USER);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--password: " + e.getMessage());
    }
    if (token != null || password != null) {
      builder.messageAuth(either(token, password));
    }
    return token != null && password != null ? "auth by token or password"
        : token != null ? "auth by token" : password != null ? "auth by password"
        : auth != AuthValidator.none() ? "auth at the handshake" : "no auth";
  }

  /** A token check for token credentials and a password check for passwords; either may be absent. */
  private static CredentialsValidator either(CredentialsValidator token,
      CredentialsValidator password) {
    return (credentials, handshake) -> {
      CredentialsValidator v = credentials instanceof Credentials.Token ? token : password;
      if (v == null) {
        CompletionStage<AuthResult> refused = CompletableFuture.completedFuture(
            io.wsproxy.Rejection.unauthorized("Authentication failed"));
        return refused;
      }
      return v.validate(credentials, handshake);
    };
  }

  /** {@code --NAME} or the first line of {@code --NAME-file}; not both. */
  private static String secret(Args args, String name) throws UsageException {
    String value = args.one(name, null);
    String file = args.one(name + "-file", null);
    if (value != null && file != null) {
      throw new UsageException("--" + name + " and --" + name + "-file exclude each other");
    }
    if (file == null) {
      return value;
    }
    try {
      String s = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw new UsageException("--" + name + "-file " + file + " is empty");
      }
      return s.lines().findFirst().orElseThrow().strip();
    } catch (IOException e) {
      throw new UsageException("--" + name + "-file " + file + " cannot be read: " + e);
    }
  }
}
