package io.wsproxy.examples;

import io.wsproxy.RouteResolver;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.javawebsocket.JavaWebSocketEndpointServer;
import io.wsproxy.routing.Backend;
import io.wsproxy.routing.BackendRegistry;
import io.wsproxy.routing.ExposedUrls;
import io.wsproxy.routing.PublicUrls;
import io.wsproxy.routing.RegisteredSession;
import io.wsproxy.routing.Session;
import io.wsproxy.routing.SessionRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Both routing systems in one process, behind one proxy:
 *
 * <ul>
 *   <li><b>A sandbox session</b> {@value #SESSION_ID} in a {@link SessionRegistry}: in real life a VM
 *       whose dev server and API listen on the VM's address; here two in-process backends on
 *       {@code 127.0.0.1}. The session exposes the dev server as its default port and the API under
 *       {@code /api}, so {@code /s/demo/ws/} reaches the dev server and {@code /s/demo/ws/api/...}
 *       the API. Its public URLs ({@code wss://sandbox.example.test/s/demo/ws/api} and
 *       {@code wss://s-demo.sandbox.example.test/api}) are fixed when it is registered.</li>
 *   <li><b>A plugin</b> named {@value #PLUGIN} in a {@link BackendRegistry}, reached at
 *       {@code /plugin-ws/web-terminal} and dialled at {@code ws://127.0.0.1:PORT/ws}.</li>
 * </ul>
 *
 * One {@link WebSocketProxy} serves both with {@code RouteResolver.firstMatch(sessions.routes(),
 * plugins.routes())}. {@link #endSession()} ends the session: its live connections are closed with
 * 1001 "Session ended" and new ones are refused with 404, while the plugin's connections stay.
 *
 * <p>Each backend is a labelled echo, so a reply says which backend answered and which path it saw:
 * {@code "api /api/users: hi"}.
 *
 * <p>Run it: {@code java -cp ws-proxy.jar io.wsproxy.examples.SandboxAndPluginHost [PORT]}. The
 * public domain does not resolve: connect to the printed local URLs instead.
 *
 * <p><b>Threading.</b> The registries are thread-safe: a host registers and ends sessions, and starts
 * and stops plugins, from any thread while clients are connected.
 */
public final class SandboxAndPluginHost implements AutoCloseable {

  /** The domain the session's public URLs use (a reserved test domain: it never resolves). */
  public static final String PUBLIC_DOMAIN = "sandbox.example.test";
  /** The sandbox session's id. */
  public static final String SESSION_ID = "demo";
  /** The path prefix the session's API port serves. */
  public static final String API_PREFIX = "/api";
  /** The plugin's name. */
  public static final String PLUGIN = "web-terminal";
  /** The label of the dev server's replies (the session's default port). */
  public static final String DEV_SERVER_LABEL = "dev-server";
  /** The label of the API's replies (the session's {@value #API_PREFIX} port). */
  public static final String API_LABEL = "api";

  private final List<JavaWebSocketEndpointServer> backends;
  private final SessionRegistry sessions;
  private final BackendRegistry plugins;
  private final WebSocketProxy proxy;
  private final JavaWebSocketEndpointServer server;
  private final RegisteredSession session;

  private SandboxAndPluginHost(List<JavaWebSocketEndpointServer> backends, SessionRegistry sessions,
      BackendRegistry plugins, WebSocketProxy proxy, JavaWebSocketEndpointServer server,
      RegisteredSession session) {
    this.backends = backends;
    this.sessions = sessions;
    this.plugins = plugins;
    this.proxy = proxy;
    this.server = server;
    this.session = session;
  }

  /** Starts the backends, registers the session and the plugin, and serves the proxy on {@code address}. */
  public static SandboxAndPluginHost start(InetSocketAddress address) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    List<JavaWebSocketEndpointServer> backends = new ArrayList<>();
    WebSocketProxy proxy = null;
    try {
      // stand-ins for the VM's dev server and API, and for the plugin process
      JavaWebSocketEndpointServer devServer = start(backends, loopback, EchoEndpoint.labelled(DEV_SERVER_LABEL));
      JavaWebSocketEndpointServer api = start(backends, loopback, EchoEndpoint.labelled(API_LABEL));
      JavaWebSocketEndpointServer terminal = start(backends, loopback, EchoEndpoint.labelled(PLUGIN));

      SessionRegistry sessions = SessionRegistry.create(
          PublicUrls.builder().publicDomain(PUBLIC_DOMAIN).build());
      RegisteredSession session = sessions.register(Session.builder()
          .id(SESSION_ID)
          .host("127.0.0.1")                         // the VM's address, from configuration
          .expose(devServer.port())                  // default: every path no prefix claims
          .expose(api.port(), API_PREFIX)            // /api and below
          .build());

      BackendRegistry plugins = BackendRegistry.create(); // plugins listen on 127.0.0.1
      plugins.register(Backend.of(PLUGIN, terminal.port())); // dialled at ws://127.0.0.1:PORT/ws

      proxy = WebSocketProxy.builder()
          .routes(RouteResolver.firstMatch(sessions.routes(), plugins.routes()))
          .build();
      JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(address, proxy);
      return new SandboxAndPluginHost(backends, sessions, plugins, proxy, server, session);
    } catch (IOException | RuntimeException e) {
      if (proxy != null) {
        proxy.close();
      }
      backends.forEach(JavaWebSocketEndpointServer::close);
      throw e;
    }
  }

  private static JavaWebSocketEndpointServer start(List<JavaWebSocketEndpointServer> started, InetSocketAddress address,
      EchoEndpoint endpoint) throws IOException {
    JavaWebSocketEndpointServer server = JavaWebSocketEndpointServer.start(address, endpoint);
    started.add(server);
    return server;
  }

  /** The registered session, with the public URLs frozen at registration. */
  public RegisteredSession session() {
    return session;
  }

  /** The URL of {@code path} on this proxy's local address, e.g. {@code /plugin-ws/web-terminal}. */
  public URI localUrl(String path) {
    return URI.create("ws://127.0.0.1:" + server.port() + path);
  }

  /** The local URL of the session's exposure with this prefix ({@code /} or {@value #API_PREFIX}). */
  public URI localSessionUrl(String exposurePrefix) {
    return localUrl("/s/" + SESSION_ID + "/ws" + exposurePrefix);
  }

  /**
   * Ends the session: its live connections get 1001 "Session ended", new ones 404.
   *
   * @return whether the session was still registered
   */
  public boolean endSession() {
    return sessions.end(SESSION_ID);
  }

  /** The plugin registry, to stop or restart the plugin. */
  public BackendRegistry plugins() {
    return plugins;
  }

  /** Ends the session, closes every connection with 1001 and stops the proxy and the backends. */
  @Override
  public void close() {
    sessions.endAll();
    proxy.close();
    server.close();
    backends.forEach(JavaWebSocketEndpointServer::close);
  }

  /** Prints the session's public URLs and the local ones to try. */
  void describe(PrintStream out) {
    out.println("proxy listening on ws://127.0.0.1:" + server.port());
    out.println("session " + SESSION_ID + ", public URLs (frozen at registration):");
    for (ExposedUrls.Exposed e : session.urls().urls()) {
      String exposure = (e.exposure().isDefault() ? "default" : e.exposure().pathPrefix())
          + " port " + e.exposure().port();
      out.printf("  %-18s %-44s %s%n", exposure + ":", e.path().ws(),
          e.subdomain() == null ? "" : e.subdomain().ws());
    }
    out.println("try locally (the public domain does not resolve):");
    out.printf("  %-46s -> %s%n", localSessionUrl("/"), DEV_SERVER_LABEL + " (default port)");
    out.printf("  %-46s -> %s%n", localSessionUrl(API_PREFIX + "/users"),
        API_LABEL + " (" + API_PREFIX + " port)");
    out.printf("  %-46s -> %s%n", localUrl("/plugin-ws/" + PLUGIN), "plugin " + PLUGIN);
  }

  /** Runs the example until Ctrl-C. */
  public static void main(String[] args) throws Exception {
    SandboxAndPluginHost host = start(Examples.loopback(args));
    host.describe(System.out);
    Examples.runUntilStopped(host);
  }
}
