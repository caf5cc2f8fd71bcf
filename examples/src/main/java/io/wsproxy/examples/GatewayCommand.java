package io.wsproxy.examples;

import io.wsproxy.Principal;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.gateway.CredentialsValidator;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.javawebsocket.ProxyServer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code gateway}: a demo JSON gateway with the built-in system and session methods and a chat
 * ({@link DemoChat}).
 */
final class GatewayCommand implements Command {

  /** The principal a client authenticated with {@code --token} becomes. */
  static final Principal TOKEN_USER = Principal.of("user");

  private static final Set<String> VALUE_FLAGS = ObservabilityFlags.plus(SecurityFlags.plus(
      SecurityFlags.GATEWAY_FLAGS, "listen", "protocol", "token"));

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public String summary() {
    return "run a demo JSON gateway: system and session methods and a chat broadcast";
  }

  @Override
  public String usage() {
    return """
        Usage: java -jar ws-proxy.jar gateway --listen HOST:PORT [--protocol envelope|jsonrpc]
                                              [--token TOKEN] [options]

        Runs a JSON message gateway. Clients call the built-in methods (connect, auth, ping,
        system.health, stats, sessions.create|join|leave|patch|list|broadcast, presence,
        agents.*) and chat.send {sessionId?, text}, which sends the event 'chat' to the other
        members of the session. In the envelope protocol the session methods are also
        session_create, session_join, ... and chat.send is also chat_send.

        Options:
          --listen HOST:PORT                 address to listen on (required; port 0 picks one)
          --protocol envelope|jsonrpc        wire format (default: envelope)
                                               envelope: {"type","id","sessionId","payload"}
                                               jsonrpc:  {"id","method","params"}
          --token TOKEN                      clients must first send auth {"token": TOKEN}
                                             (visible in the process list); without it
                                             every client is authenticated at once
          --help                             show this help

        """ + SecurityFlags.usage(SecurityFlags.GATEWAY_FLAGS, Gateway.DEFAULT_LIMITS)
        + ObservabilityFlags.usage() + """

        Ctrl-C closes open connections with 1001 Going Away.
        """;
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, VALUE_FLAGS, Set.of());
    InetSocketAddress listen = Args.hostPort("listen", args.required("listen"));
    GatewayProtocol protocol = switch (args.one("protocol", "envelope")) {
      case "envelope" -> GatewayProtocol.ENVELOPE;
      case "jsonrpc" -> GatewayProtocol.JSON_RPC;
      default -> throw new UsageException("--protocol must be envelope or jsonrpc: "
          + args.one("protocol", null));
    };
    SecurityFlags security = SecurityFlags.parse(args, Gateway.DEFAULT_LIMITS);
    ObservabilityFlags observability = ObservabilityFlags.parse(args);
    Gateway.Builder builder = Gateway.builder()
        .protocol(protocol)
        .originFilter(security.originFilter())
        .trustedProxies(security.trustedProxies())
        .limits(security.limits())
        .rejectionMode(security.rejectionMode())
        .listener(observability.gatewayListener());
    String token = args.one("token", null);
    if (token != null) {
      try {
        builder.messageAuth(CredentialsValidator.token(token, TOKEN_USER));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--token: " + e.getMessage()); // never shows the token
      }
    }
    Gateway gateway = builder.build();
    DemoChat.install(gateway);
    ProxyServer server;
    try {
      server = ProxyServer.start(listen, gateway);
    } catch (Exception e) {
      gateway.close();
      throw e;
    }
    out.println("ws-proxy gateway: listening on ws://" + ProxyCommand.hostPort(listen, server.port())
        + " (protocol " + args.one("protocol", "envelope") + ", "
        + (token != null ? "auth by token" : "no auth") + ")");
    out.println("  send: " + String.join("  then  ", firstMessages(protocol, token != null)));
    return observability.serve(() -> {
      gateway.close(); // every client gets 1001 Going Away
      server.close();
    }, out);
  }

  /** What a client sends to authenticate (if asked), join a session and chat, numbered from 1. */
  static List<String> firstMessages(GatewayProtocol protocol, boolean auth) {
    boolean rpc = protocol == GatewayProtocol.JSON_RPC;
    List<String> messages = new ArrayList<>();
    if (auth) {
      messages.add(rpc ? "\"method\":\"auth\",\"params\":{\"token\":\"TOKEN\"}}"
          : "\"type\":\"auth\",\"payload\":{\"token\":\"TOKEN\"}}");
    }
    messages.add(rpc ? "\"method\":\"sessions.join\",\"params\":{\"sessionId\":\"room\"}}"
        : "\"type\":\"session_join\",\"sessionId\":\"room\"}");
    messages.add(rpc
        ? "\"method\":\"chat.send\",\"params\":{\"sessionId\":\"room\",\"text\":\"hi\"}}"
        : "\"type\":\"chat_send\",\"sessionId\":\"room\",\"payload\":{\"text\":\"hi\"}}");
    for (int i = 0; i < messages.size(); i++) {
      String id = rpc ? String.valueOf(i + 1) : "\"" + (i + 1) + "\"";
      messages.set(i, "{\"id\":" + id + "," + messages.get(i));
    }
    return messages;
  }
}
