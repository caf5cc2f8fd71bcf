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
        Usage: java -jar ws-proxy.jar echo --listen HOST:PORT [--flood]

        Runs a WebSocket server that sends every text and binary message straight back.

        Options:
          --listen HOST:PORT   address to listen on (required; port 0 picks one)
          --flood              also answer a text message 'flood BYTES' (1 to 4 GiB) with that
                               many bytes as 64 KiB binary messages, sent as fast as the client's
                               connection takes them (never queued whole): 8-byte big-endian
                               counters 0, 1, 2, ... so a client can check every byte and its
                               order; bench uses it to flood a client that does not read (any
                               client may ask for 4 GiB: keep such a backend on loopback)
          --help               show this help
        """;
  }

  @Override
  public Set<String> valueFlags() {
    return Set.of("listen");
  }

  @Override
  public Set<String> switches() {
    return Set.of("flood");
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, valueFlags(), switches());
    InetSocketAddress listen = Args.hostPort("listen", args.required("listen"));
    boolean flood = args.has("flood");
    Servers.Started server = Servers.start(Servers.DEFAULT, listen,
        flood ? EchoEndpoint.flooding() : new EchoEndpoint());
    out.println("ws-proxy echo: listening on ws://" + ProxyCommand.hostPort(listen, server.port())
        + (flood ? " (answers 'flood BYTES')" : ""));
    return server::close;
  }
}
