package io.wsproxy.examples;

import io.wsproxy.CloseCodes;
import io.wsproxy.Limits;
import io.wsproxy.PathPrefixRoutes;
import io.wsproxy.Route;
import io.wsproxy.RouteResolver;
import io.wsproxy.routing.RegisteredSession;
import io.wsproxy.routing.RoutesFile;
import java.io.IOException;
import java.nio.file.Path;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.javawebsocket.ProxyServer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;

/** {@code proxy}: the standalone WebSocket reverse proxy. */
final class ProxyCommand implements Command {

  private static final Set<String> VALUE_FLAGS = ObservabilityFlags.plus(SecurityFlags.plus(
      SecurityFlags.FLAGS, "listen", "route", "routes", "upstream", "close-on-upstream-failure",
      "subprotocol"));

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

        Options:
          --listen HOST:PORT                 address to listen on (required; port 0 picks one)
          --route PREFIX=URL                 route a path prefix to a ws:// or wss:// upstream
                                             (repeatable)
          --routes FILE                      load static routes, sandbox sessions and named
                                             plugin backends from a JSON file (see README)
          --subprotocol NAME                 a subprotocol the routes accept (repeatable); a client
                                             gets the first one it offers that is accepted, and
                                             only that one is offered upstream
          --upstream jdk|javawebsocket       upstream transport (default: jdk)
          --close-on-upstream-failure CODE   close code sent to a client whose upstream cannot be
                                             reached or drops (default: 1014 Bad Gateway)
          --help                             show this help

        """ + SecurityFlags.usage(SecurityFlags.FLAGS, Limits.DEFAULTS) + ObservabilityFlags.usage()
        + """

        Ctrl-C closes open connections with 1001 Going Away.
        """;
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, VALUE_FLAGS, Set.of());
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
    RoutesFile file = null;
    RouteResolver resolver;
    if (routesFile != null) {
      try {
        file = RoutesFile.load(Path.of(routesFile));
      } catch (IOException e) {
        throw new UsageException("--routes " + routesFile + " cannot be read: " + e);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage()); // names the file and the field
      }
      resolver = file.resolver();
    } else {
      resolver = prefixRoutes(routes, args.all("subprotocol"));
    }
    WebSocketProxy.Builder builder = WebSocketProxy.builder()
        .upstreamFailureCloseCode(failureCode)
        .routes(resolver)
        .originFilter(security.originFilter())
        .authValidator(security.authValidator())
        .trustedProxies(security.trustedProxies())
        .limits(security.limits())
        .rejectionMode(security.rejectionMode())
        .listener(observability.proxyListener());
    UpstreamConnector connector = Upstreams.byName(args.one("upstream", "jdk"));
    WebSocketProxy proxy = builder.connector(connector).build();
    ProxyServer server;
    try {
      server = ProxyServer.start(listen, proxy);
    } catch (Exception e) {
      proxy.close();
      connector.close();
      throw e;
    }
    out.println("ws-proxy: listening on ws://" + hostPort(listen, server.port()));
    for (String r : routes) {
      int eq = r.indexOf('=');
      out.println("  route " + r.substring(0, eq) + " -> " + r.substring(eq + 1));
    }
    if (file != null) {
      describe(file, out);
    }
    return observability.serve(() -> {
      proxy.close();
      server.close();
      connector.close();
    }, out);
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
  }

  static String hostPort(InetSocketAddress address, int port) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
