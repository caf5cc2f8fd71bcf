package io.wsproxy.examples;

import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Set;

/** {@code echo}: an echo backend to try the proxy with. */
final class EchoCommand implements Command {

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public String summary() {
    return "run a WebSocket echo backend";
  }

  @Override
  public String usage() {
    return """
        Usage: java -jar ws-proxy.jar echo --listen HOST:PORT

        Runs a WebSocket server that sends every text and binary message straight back.

        Options:
          --listen HOST:PORT   address to listen on (required; port 0 picks one)
          --help               show this help
        """;
  }

  @Override
  public Set<String> valueFlags() {
    return Set.of("listen");
  }

  @Override
  public Set<String> switches() {
    return Set.of();
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, valueFlags(), switches());
    InetSocketAddress listen = Args.hostPort("listen", args.required("listen"));
    Servers.Started server = Servers.start(Servers.DEFAULT, listen, new EchoEndpoint());
    out.println("ws-proxy echo: listening on ws://" + ProxyCommand.hostPort(listen, server.port()));
    return server::close;
  }
}
