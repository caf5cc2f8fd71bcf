package io.wsproxy.examples;

import io.wsproxy.Principal;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayBuilder;
import io.wsproxy.gateway.GatewayProtocol;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code gateway}: a demo JSON gateway with the built-in system and room methods and a chat
 * ({@link DemoChat}), or with {@code --profile agent} the agent profile with a demo agent and
 * tools ({@link DemoAgent}).
 */
final class GatewayCommand implements Command {

  /** The principal a client authenticated with {@code --token} becomes. */
  static final Principal TOKEN_USER = GatewayFlags.USER;

  /** The handshake-security flags the gateway takes: the shared gateway set and bearer tokens. */
  private static final Set<String> SECURITY_FLAGS = SecurityFlags.plus(SecurityFlags.GATEWAY_FLAGS,
      SecurityFlags.BEARER_FLAGS.toArray(String[]::new));

  private static final Set<String> VALUE_FLAGS = ObservabilityFlags.plus(SecurityFlags.plus(
      SecurityFlags.plus(SECURITY_FLAGS, GatewayFlags.FLAGS.toArray(String[]::new)), "listen",
      "server"));

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public String summary() {
    return "run a JSON gateway: rooms and chat, or an agent profile with a demo agent";
  }

  @Override
  public String usage() {
    return """
        Usage: java -jar ws-proxy.jar gateway --listen HOST:PORT [--protocol envelope|jsonrpc]
                                              [--profile rooms|agent] [--token TOKEN] [options]

        Runs a JSON message gateway. Clients call the built-in methods (connect, auth, ping,
        cancel, system.health, stats, rooms.create|join|leave|patch|list|broadcast|presence,
        chat, agents.*) and chat.send {sessionId?, text}, which sends the event 'chat' to the
        other members of the room. In the envelope protocol rooms are sessions:
        session_create, session_join, ..., and chat.send is also chat_send.
        With --profile agent: agent.send {text, conversationId?} streams 'agent.event' and
        answers the reply, agent.cancel {runId?}, sessions.create|list|history (conversations
        with history, not rooms), tools.list and tools.invoke {name, input}.

        Options:
          --listen HOST:PORT                 address to listen on (required; port 0 picks one)
          --server netty|javawebsocket       server transport (default: netty)
        """ + GatewayFlags.USAGE + """
          --help                             show this help
          --version                          show the version

        """ + SecurityFlags.usage(SecurityFlags.plus(SECURITY_FLAGS,
            SecurityFlags.SWITCHES.toArray(String[]::new)), Gateway.DEFAULT_LIMITS)
        + ObservabilityFlags.usage() + """

        Ctrl-C closes open connections with 1001 Going Away.
        """;
  }

  @Override
  public Set<String> valueFlags() {
    return VALUE_FLAGS;
  }

  @Override
  public Set<String> switches() {
    return SecurityFlags.SWITCHES;
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, VALUE_FLAGS, SecurityFlags.SWITCHES);
    InetSocketAddress listen = Args.hostPort("listen", args.required("listen"));
    SecurityFlags security = SecurityFlags.parse(args, Gateway.DEFAULT_LIMITS);
    ObservabilityFlags observability = ObservabilityFlags.parse(args);
    GatewayBuilder builder = security.applyTo(Gateway.builder())
        .limits(GatewayFlags.limits(args, security.limits()))
        .listener(observability.gatewayListener());
    String auth = GatewayFlags.apply(args, builder, security.authValidator());
    GatewayProtocol protocol = GatewayFlags.protocol(args);
    boolean agent = GatewayFlags.agentProfile(args);
    String serverName = Servers.check(args.one("server", Servers.DEFAULT));
    Gateway gateway = builder.build();
    DemoChat.install(gateway);
    Servers.Started server;
    try {
      server = Servers.start(serverName, listen, gateway);
    } catch (Exception e) {
      gateway.close();
      throw e;
    }
    out.println("ws-proxy gateway: listening on ws://" + ProxyCommand.hostPort(listen, server.port())
        + args.one("path", "") + " (protocol "
        + (protocol == GatewayProtocol.JSON_RPC ? "jsonrpc" : "envelope")
        + (agent ? ", agent profile" : "") + ", " + auth + ")");
    boolean messageAuth = args.has("token") || args.has("token-file");
    out.println("  send: " + String.join("  then  ", agent
        ? agentMessages(protocol, messageAuth) : firstMessages(protocol, messageAuth)));
    return observability.serve(() -> {
      gateway.close(); // every client gets 1001 Going Away
      server.close();
    }, out);
  }

  /** What a client of the agent profile sends first: auth (if asked), a message, the history. */
  static List<String> agentMessages(GatewayProtocol protocol, boolean auth) {
    boolean rpc = protocol == GatewayProtocol.JSON_RPC;
    List<String> messages = authFirst(rpc, auth);
    messages.add(rpc ? "\"method\":\"agent.send\",\"params\":{\"text\":\"hello\"}}"
        : "\"type\":\"agent.send\",\"payload\":{\"text\":\"hello\"}}");
    messages.add(rpc ? "\"method\":\"sessions.history\"}"
        : "\"type\":\"sessions.history\"}");
    return numbered(rpc, messages);
  }

  /** What a client sends to authenticate (if asked), join a session and chat, numbered from 1. */
  static List<String> firstMessages(GatewayProtocol protocol, boolean auth) {
    boolean rpc = protocol == GatewayProtocol.JSON_RPC;
    List<String> messages = authFirst(rpc, auth);
    messages.add(rpc ? "\"method\":\"rooms.join\",\"params\":{\"sessionId\":\"room\"}}"
        : "\"type\":\"session_join\",\"sessionId\":\"room\"}");
    messages.add(rpc
        ? "\"method\":\"chat.send\",\"params\":{\"sessionId\":\"room\",\"text\":\"hi\"}}"
        : "\"type\":\"chat_send\",\"sessionId\":\"room\",\"payload\":{\"text\":\"hi\"}}");
    return numbered(rpc, messages);
  }

  /** A list holding the auth message if the client must authenticate (ids added by {@link #numbered}). */
  private static List<String> authFirst(boolean rpc, boolean auth) {
    List<String> messages = new ArrayList<>();
    if (auth) {
      messages.add(rpc ? "\"method\":\"auth\",\"params\":{\"token\":\"TOKEN\"}}"
          : "\"type\":\"auth\",\"payload\":{\"token\":\"TOKEN\"}}");
    }
    return messages;
  }

  private static List<String> numbered(boolean rpc, List<String> messages) {
    for (int i = 0; i < messages.size(); i++) {
      String id = rpc ? String.valueOf(i + 1) : "\"" + (i + 1) + "\"";
      messages.set(i, "{\"id\":" + id + "," + messages.get(i));
    }
    return messages;
  }
}
