package io.wsproxy.examples;

import io.wsproxy.CloseCodes;
import io.wsproxy.ConnectMode;
import io.wsproxy.Limits;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.routing.RegisteredSession;
import io.wsproxy.routing.RoutesFile;
import io.wsproxy.spi.UpstreamConnector;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;

/** {@code proxy}: the standalone WebSocket reverse proxy. */
final class ProxyCommand implements Command {

  private static final Set<String> VALUE_FLAGS = ObservabilityFlags.plus(SecurityFlags.plus(
      SecurityFlags.FLAGS, "listen", "route", "routes", "server", "upstream",
      "close-on-upstream-failure", "subprotocol", "principal-header"));
  private static final Set<String> BOOLEAN_FLAGS = SecurityFlags.plus(SecurityFlags.SWITCHES,
      "accept-first", "no-reload");

  @Override
  public String name() {
    return "proxy";
  }

  @Override
  public String summary() {
    return "proxy WebSocket clients to upstream WebSocket servers by path prefix";
  }

  @Override
  public String usage() {
    return """
        Usage: java -jar ws-proxy.jar proxy --listen HOST:PORT --route PREFIX=ws://HOST:PORT[/PATH]
                                            [--route ...] [options]
               java -jar ws-proxy.jar proxy --listen HOST:PORT --routes FILE [options]

        Proxies each WebSocket client to the upstream of the longest matching path prefix. The
        prefix is stripped, the rest of the path and the query are appended to the upstream URI.

        Connect-first: a client's upgrade is answered once its upstream answered. The client's
        subprotocol offer goes upstream and the client gets the upstream's choice; an upstream
        that is down or answers a broken 101 refuses the client with 502, a connect timeout
        with 504, and an upstream's 401/403/404/429 reaches the client as it is.

        Options:
          --listen HOST:PORT                 address to listen on (required; port 0 picks one)
          --route PREFIX=URL                 route a path prefix to a ws:// or wss:// upstream
                                             (repeatable)
          --routes FILE                      load static routes, sandbox sessions (with their
                                             gateways) and named plugin backends from a JSON
                                             file (see README); re-read when it changes and on
                                             SIGHUP: connections whose session or plugin left
                                             close with 1001, the others stay; a file that does
                                             not parse keeps the previous routes (one WARN)
          --no-reload                        read --routes FILE once (SIGHUP then stops the JVM)
          --subprotocol NAME                 optional allowlist (repeatable): only these of a
                                             client's subprotocols are offered upstream; without
                                             it the client's whole offer goes upstream
          --accept-first                     answer a client's upgrade before dialling its
                                             upstream (for clients that cannot wait); the
                                             client then gets the first allowed subprotocol it
                                             offered, and upstream failures become close codes
          --server netty|javawebsocket       server transport (default: netty)
          --upstream netty|jdk|javawebsocket upstream transport (default: netty; on a netty
                                             server each upstream shares its client's thread)
          --close-on-upstream-failure CODE   close code for a client whose upstream drops, or
                                             cannot be reached with --accept-first or
                                             --reject-with close-code (default: 1014 Bad Gateway);
                                             a --routes entry's upstreamFailureCloseCode wins
          --principal-header NAME            send the authenticated principal's name upstream in
                                             this header (e.g. X-Forwarded-User); a client's own
                                             copy is always replaced
          --help                             show this help

        """ + SecurityFlags.usage(SecurityFlags.plus(VALUE_FLAGS, BOOLEAN_FLAGS.toArray(String[]::new)),
            Limits.DEFAULTS) + ObservabilityFlags.usage()
        + """

        Ctrl-C closes open connections with 1001 Going Away.
        """;
  }

  @Override
  public Set<String> valueFlags() {
    return VALUE_FLAGS;
  }

  @Override
  public Set<String> switches() {
    return BOOLEAN_FLAGS;
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, VALUE_FLAGS, BOOLEAN_FLAGS);
    InetSocketAddress listen = Args.hostPort("listen", args.required("listen"));
    List<String> routes = args.all("route");
    String routesFile = args.one("routes", null);
    if (routes.isEmpty() && routesFile == null) {
      throw new UsageException("give at least one --route PREFIX=URL, or --routes FILE");
    }
    if (!routes.isEmpty() && routesFile != null) {
      throw new UsageException("--route and --routes cannot be combined: put the routes in FILE");
    }
    int failureCode = (int) args.number("close-on-upstream-failure", CloseCodes.BAD_GATEWAY,
        1000, 4999);
    if (!CloseCodes.isSendable(failureCode)) {
      throw new UsageException("--close-on-upstream-failure cannot be sent on the wire: "
          + failureCode);
    }
    SecurityFlags security = SecurityFlags.parse(args);
    ObservabilityFlags observability = ObservabilityFlags.parse(args);
    ConnectMode connectMode = args.has("accept-first")
        ? ConnectMode.ACCEPT_FIRST : ConnectMode.CONNECT_FIRST;
    if (args.has("no-reload") && routesFile == null) {
      throw new UsageException("--no-reload needs --routes FILE");
    }
    RoutesFileServing file = null;
    RouteResolver resolver;
    if (routesFile != null) {
      file = RoutesFileServing.load(routesFile, security, observability.gatewayListener());
      resolver = file.file().resolver();
    } else {
      resolver = prefixRoutes(routes, args.all("subprotocol"));
    }
    WebSocketProxy.Builder builder = security.applyTo(WebSocketProxy.builder())
        .upstreamFailureCloseCode(failureCode)
        .connectMode(connectMode)
        .routes(resolver)
        .limits(security.limits())
        .listener(observability.proxyListener());
    String principalHeader = args.one("principal-header", null);
    if (principalHeader != null) {
      try {
        builder.principalHeader(principalHeader);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--principal-header: " + e.getMessage());
      }
    }
    String serverName = Servers.check(args.one("server", Servers.DEFAULT));
    UpstreamConnector connector = Upstreams.byName(args.one("upstream", Upstreams.DEFAULT));
    WebSocketProxy proxy = builder.connector(connector).build();
    RoutesFileServing routing = file;
    Servers.Started server;
    try {
      server = Servers.start(serverName, listen, routing == null ? proxy : routing.endpoint(proxy));
    } catch (Exception e) {
      closeAll(routing, proxy, connector);
      throw e;
    }
    out.println("ws-proxy: listening on ws://" + hostPort(listen, server.port()));
    for (String r : routes) {
      int eq = r.indexOf('=');
      out.println("  route " + r.substring(0, eq) + " -> " + r.substring(eq + 1));
    }
    if (routing != null) {
      describe(routing.file(), out);
      if (!args.has("no-reload")) {
        try {
          routing.reloadOnChange(out);
        } catch (IOException e) {
          server.close();
          closeAll(routing, proxy, connector);
          throw new IOException("--routes " + routesFile + " cannot be watched (--no-reload reads"
              + " it once): " + e, e);
        }
      }
    }
    return observability.serve(() -> {
      closeAll(routing, proxy, null);
      server.close();
      connector.close();
    }, out);
  }

  /** Closes the routes file's reload and gateways, the proxy (clients get 1001), the connector. */
  private static void closeAll(RoutesFileServing routing, WebSocketProxy proxy,
      UpstreamConnector connector) {
    if (routing != null) {
      routing.close();
    }
    proxy.close();
    if (connector != null) {
      connector.close();
    }
  }

  private static RouteResolver prefixRoutes(List<String> routes, List<String> subprotocols)
      throws UsageException {
    PathPrefixRoutes.Builder table = PathPrefixRoutes.builder();
    for (String r : routes) {
      int eq = r.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--route must be PREFIX=URL: " + r);
      }
      try {
        table.route(r.substring(0, eq),
            Route.to(new URI(r.substring(eq + 1))).withSubprotocols(subprotocols));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new UsageException("--route " + r + ": " + e.getMessage());
      }
    }
    return table.build();
  }

  private static void describe(RoutesFile file, PrintStream out) {
    out.println("  routes from " + file.source());
    file.staticRoutes().ifPresent(r -> r.prefixes().forEach(p -> out.println("  route " + p)));
    for (RegisteredSession s : file.registeredSessions()) {
      s.urls().urls().forEach(e -> out.println("  session " + s.session().id() + ": "
          + e.path().ws()));
    }
    file.backends().names().forEach(n -> out.println("  plugin " + n));
    file.sessionGateways().forEach((id, g) -> out.println("  session " + id + " gateway: /s/" + id
        + "/gateway (" + g.profile() + ")"));
  }

  static String hostPort(InetSocketAddress address, int port) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
