package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.ConnectMode;
import io.wsproxy.Limits;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayBuilder;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.spi.WsEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.java_websocket.WebSocketServerFactory;
import org.junit.jupiter.api.AfterEach;

/**
 * What every conformance test needs: the transport under test (supplied by the subclass), the proxy
 * built on it, the test peers, and a teardown that closes all of them in reverse order of creation.
 */
public abstract class ConformanceFixture {

  /** Longest wait for something that should happen at once (a message, a connection). */
  protected static final Duration AWAIT = Duration.ofSeconds(10);
  /** What "promptly" means for a close the proxy owes a peer. */
  protected static final Duration PROMPTLY = Duration.ofSeconds(5);
  /** Upstream connect timeout of the kit's proxies: short, so failures show quickly. */
  protected static final Duration KIT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Close timeout of the kit's proxies: short, so the proxy's timer thread ends soon after close. */
  protected static final Duration KIT_CLOSE_TIMEOUT = Duration.ofSeconds(2);
  /** The limits every kit proxy starts from. */
  protected static final Limits KIT_LIMITS = Limits.builder()
      .connectTimeout(KIT_CONNECT_TIMEOUT).closeTimeout(KIT_CLOSE_TIMEOUT).build();

  /**
   * A proxy server the subclass started: the port it listens on and how to stop it.
   *
   * @param port    the port bound on 127.0.0.1
   * @param stopper stops the server and its threads
   */
  public record RunningServer(int port, AutoCloseable stopper) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      stopper.close();
    }
  }

  /** Starts the host server under test on 127.0.0.1, port 0, serving {@code endpoint}. */
  protected abstract RunningServer startProxyServer(WsEndpoint endpoint) throws Exception;

  /**
   * Starts the server under test as {@link #startProxyServer} does, but with every connection on
   * one I/O thread (one Netty event loop), for cases where connections must compete for it. A
   * transport without such a setting starts its usual server (this default).
   */
  protected RunningServer startSingleLoopProxyServer(WsEndpoint endpoint) throws Exception {
    return startProxyServer(endpoint);
  }

  /** A new upstream connector of the kind under test; the kit closes it. */
  protected abstract UpstreamConnector newUpstreamConnector();

  private final Deque<AutoCloseable> resources = new ArrayDeque<>(); // closed last-in first-out
  private UpstreamPeer upstream;
  private WebSocketProxy proxy;
  private RunningServer server;

  /** Registers something for teardown; answers it. */
  protected <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    return resource;
  }

  /**
   * A new connection factory for an upstream peer's Java-WebSocket server, or {@code null} (the
   * default) for Java-WebSocket's own. Java-WebSocket 1.6.0's server drops the frames that arrive
   * together with the end of stream (a connector that half-closes right after its close frame, as
   * the JDK client does, then shows as 1006 at the peer); a module that has a factory fixing this
   * returns one, so the kit's close cases test the proxy rather than the peer.
   */
  protected WebSocketServerFactory newUpstreamServerFactory() {
    return null;
  }

  /**
   * Whether the connector under test can abort an upgrade while it is in flight. The JDK's
   * {@code java.net.http.WebSocket} cannot: a dial the client abandoned ends at the connect timeout
   * (and a late open is closed at once), so its kits answer {@code false}.
   */
  protected boolean abortsUpgradesInFlight() {
    return true;
  }

  /** The default upstream: an echo server started on first use. */
  protected UpstreamPeer upstream() throws Exception {
    if (upstream == null) {
      upstream = register(UpstreamPeer.start(newUpstreamServerFactory()));
    }
    return upstream;
  }

  /** Another upstream, selecting subprotocols as {@link UpstreamPeer#start(List, boolean)} says. */
  protected UpstreamPeer startUpstream(List<String> protocols, boolean acceptNoProtocol)
      throws Exception {
    return register(UpstreamPeer.start(protocols, acceptNoProtocol, newUpstreamServerFactory()));
  }

  /**
   * Builds a proxy on a new connector with {@link #KIT_LIMITS} (and whatever {@code config} sets,
   * routes at least) and starts the server under test in front of it.
   */
  protected WebSocketProxy startProxy(Consumer<WebSocketProxy.Builder> config) throws Exception {
    return startProxy(config, false);
  }

  /** As {@link #startProxy}, on the {@link #startSingleLoopProxyServer single-loop} server. */
  protected WebSocketProxy startSingleLoopProxy(Consumer<WebSocketProxy.Builder> config)
      throws Exception {
    return startProxy(config, true);
  }

  private WebSocketProxy startProxy(Consumer<WebSocketProxy.Builder> config, boolean oneLoop)
      throws Exception {
    UpstreamConnector connector = register(newUpstreamConnector());
    WebSocketProxy.Builder b = WebSocketProxy.builder().connector(connector).limits(KIT_LIMITS);
    config.accept(b);
    proxy = register(b.build());
    server = register(oneLoop ? startSingleLoopProxyServer(proxy) : startProxyServer(proxy));
    return proxy;
  }

  /**
   * Serves {@code endpoint} (a gateway, say) on the server under test, as {@link #startProxy} serves
   * a proxy: {@link #proxyPort()}, {@link #connect} and friends then reach it; closed at teardown.
   */
  protected RunningServer serve(WsEndpoint endpoint) throws Exception {
    server = register(startProxyServer(endpoint));
    return server;
  }

  /**
   * Builds a JSON-RPC gateway with the kit's close timeout (and whatever {@code config} sets) and
   * serves it on the server under test; closed at teardown.
   */
  protected Gateway startGateway(Consumer<GatewayBuilder> config) throws Exception {
    GatewayBuilder b = Gateway.builder().protocol(GatewayProtocol.JSON_RPC)
        .limits(Gateway.DEFAULT_LIMITS.toBuilder().closeTimeout(KIT_CLOSE_TIMEOUT).build());
    config.accept(b);
    Gateway gateway = register(b.build());
    serve(gateway);
    return gateway;
  }

  /** A proxy routing every path to {@link #upstream()}. */
  protected WebSocketProxy startEchoProxy() throws Exception {
    String target = upstream().uri("").toString();
    return startProxy(b -> b.route("/", target));
  }

  /** A proxy routing every path to {@link #upstream()}, answering clients in {@code mode}. */
  protected WebSocketProxy startEchoProxy(ConnectMode mode) throws Exception {
    String target = upstream().uri("").toString();
    return startProxy(b -> b.route("/", target).connectMode(mode));
  }

  /** A scripted (non-WebSocket) upstream, closed at teardown. */
  protected ScriptedUpstream scripted(ScriptedUpstream upstream) {
    return register(upstream);
  }

  /**
   * Sends an upgrade request with {@code extraHeaderLines} to the proxy and asserts that it is
   * refused with HTTP {@code status}; answers the response head.
   */
  protected String assertUpgradeRefused(int status, String pathAndQuery, String... extraHeaderLines)
      throws IOException {
    String head = RawClient.responseHead(proxyPort(), pathAndQuery, AWAIT, extraHeaderLines);
    assertEquals(status, HttpHead.status(head), () -> "the proxy answered " + head);
    return head;
  }

  protected WebSocketProxy proxy() {
    return proxy;
  }

  protected int proxyPort() {
    return server.port();
  }

  /** {@code ws://127.0.0.1:proxyPort} followed by {@code pathAndQuery}. */
  protected URI proxyUri(String pathAndQuery) {
    return URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery);
  }

  /** A JDK client connected to the proxy at {@code pathAndQuery}. */
  protected TestClient connect(String pathAndQuery) throws Exception {
    return register(TestClient.connect(proxyUri(pathAndQuery)));
  }

  /** A JDK client connected to the proxy after {@code customise} set headers or subprotocols. */
  protected TestClient connect(String pathAndQuery, Consumer<WebSocket.Builder> customise)
      throws Exception {
    return register(TestClient.connect(proxyUri(pathAndQuery), customise));
  }

  /** A Java-WebSocket client connected to the proxy, for fragmented sends. */
  protected FrameClient connectFrameClient(String pathAndQuery) throws Exception {
    return register(FrameClient.connect(proxyUri(pathAndQuery)));
  }

  /** A plain-socket client upgraded at the proxy, for dropping TCP. */
  protected RawClient connectRaw(String pathAndQuery) throws IOException {
    return register(RawClient.connect(proxyPort(), pathAndQuery, AWAIT));
  }

  /**
   * A port nothing listens on: bound on port 0, noted and closed (the one case where a port is
   * released on purpose; at worst another process takes it and the test fails loudly).
   */
  protected static int refusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** A TCP server that completes connects (through its backlog) and never answers: a black hole. */
  protected ServerSocket silentServer() throws IOException {
    ServerSocket s = register(new ServerSocket());
    s.bind(new InetSocketAddress("127.0.0.1", 0), 50);
    return s;
  }

  /** Waits until the proxy has no open connection (every bridge finished). */
  protected void awaitNoProxyConnections() {
    assertTrue(ThreadLeaks.await(AWAIT, () -> proxy.connectionCount() == 0),
        () -> "proxy still has " + proxy.connectionCount() + " connections after " + AWAIT);
  }

  /** A message there and back: the proxy's upstream is open once the echo is back. */
  protected UpstreamPeer.Conn roundTrip(TestClient client) throws Exception {
    UpstreamPeer.Conn up = upstream().awaitConnection(AWAIT);
    client.sendText("round trip");
    assertEquals("round trip", up.next(AWAIT));
    assertEquals("round trip", client.next(AWAIT));
    return up;
  }

  /** Closes everything this test opened, newest first; rethrows the first failure. */
  @AfterEach
  protected void closeAll() throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    upstream = null;
    if (first != null) {
      throw first;
    }
  }
}
