package io.wsproxy.javawebsocket;

import io.wsproxy.Limits;
import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.jdk.JdkUpstreamConnector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The real stack for end-to-end tests: a {@link WebSocketProxy} served by {@link JavaWebSocketEndpointServer} on
 * 127.0.0.1, port 0, dialling upstreams through a real connector (the JDK one unless told
 * otherwise), plus the clients a test opens against it. {@link #close()} closes the clients
 * first, then the server, the proxy and the connector.
 */
final class E2eProxy implements AutoCloseable {

  /** Close timeout of the test proxies: short, so a peer that never answers cannot stall a test. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final WebSocketProxy proxy;
  final JavaWebSocketEndpointServer server;
  private final UpstreamConnector connector;
  private final Deque<AutoCloseable> clients = new ArrayDeque<>();

  private E2eProxy(WebSocketProxy proxy, JavaWebSocketEndpointServer server, UpstreamConnector connector) {
    this.proxy = proxy;
    this.server = server;
    this.connector = connector;
  }

  /** Limits with the test close timeout, to adjust further. */
  static Limits.Builder limits() {
    return Limits.builder().closeTimeout(CLOSE_TIMEOUT);
  }

  /** The upstream connectors a test can run against. */
  enum Connector {
    JDK, JAVA_WEBSOCKET;

    UpstreamConnector create() {
      return this == JDK ? new JdkUpstreamConnector() : new JavaWebSocketUpstreamConnector();
    }
  }

  /** Serves {@code builder}'s proxy through a new {@link JdkUpstreamConnector}. */
  static E2eProxy start(WebSocketProxy.Builder builder) throws IOException {
    return start(builder, Connector.JDK);
  }

  /** Serves {@code builder}'s proxy through a new connector of this kind, which it closes. */
  static E2eProxy start(WebSocketProxy.Builder builder, Connector kind) throws IOException {
    UpstreamConnector connector = kind.create();
    WebSocketProxy proxy = null;
    try {
      proxy = builder.connector(connector).build();
      return new E2eProxy(proxy,
          JavaWebSocketEndpointServer.start(new InetSocketAddress("127.0.0.1", 0), proxy), connector);
    } catch (IOException | RuntimeException e) {
      if (proxy != null) {
        proxy.close();
      }
      connector.close();
      throw e;
    }
  }

  int port() {
    return server.port();
  }

  URI uri(String target) {
    return URI.create("ws://127.0.0.1:" + port() + target);
  }

  /** A hand-written upgrade for {@code target} (see {@link E2eRawClient#upgrade}). */
  E2eRawClient raw(String target, String... headerLines) throws IOException {
    return track(E2eRawClient.upgrade(port(), target, headerLines));
  }

  /** What a hand-written upgrade for {@code target} is told (see {@link E2eRawClient#answer}). */
  E2eRawClient.Answer answer(String target, String... headerLines) throws IOException {
    try (E2eRawClient client = E2eRawClient.upgrade(port(), target, headerLines)) {
      return client.answer();
    }
  }

  /**
   * The answer each request gets, by request: an upgrade for {@code target} with the request's
   * header lines. Lets a test compare a whole table of refusals in one assertion.
   */
  Map<List<String>, E2eRawClient.Answer> answers(String target,
      Collection<List<String>> requests) throws IOException {
    Map<List<String>, E2eRawClient.Answer> out = new LinkedHashMap<>();
    for (List<String> lines : requests) {
      out.put(lines, answer(target, lines.toArray(String[]::new)));
    }
    return out;
  }

  /** The answer an upgrade for each target gets, by target. */
  Map<String, E2eRawClient.Answer> answersByTarget(Collection<String> targets)
      throws IOException {
    Map<String, E2eRawClient.Answer> out = new LinkedHashMap<>();
    for (String target : targets) {
      out.put(target, answer(target));
    }
    return out;
  }

  /** The expected side of {@link #answers}: {@code answer} applied to each key, in order. */
  static <K> Map<K, E2eRawClient.Answer> each(Collection<K> keys,
      Function<K, E2eRawClient.Answer> answer) {
    Map<K, E2eRawClient.Answer> out = new LinkedHashMap<>();
    keys.forEach(k -> out.put(k, answer.apply(k)));
    return out;
  }

  /** Starts a JDK client's upgrade with extra headers and subprotocols; closed with this object. */
  CompletableFuture<JdkClient> attemptJdk(String target, Map<String, String> headers,
      String... subprotocols) {
    JdkClient client = new JdkClient();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(JdkClient.TIMEOUT);
    headers.forEach(b::header);
    if (subprotocols.length > 0) {
      String[] rest = new String[subprotocols.length - 1];
      System.arraycopy(subprotocols, 1, rest, 0, rest.length);
      b.subprotocols(subprotocols[0], rest);
    }
    return b.buildAsync(uri(target), client).thenApply(ws -> {
      client.ws = ws;
      track(ws::abort);
      return client;
    });
  }

  /** A connected JDK client; fails if the upgrade is refused. */
  JdkClient jdk(String target, Map<String, String> headers, String... subprotocols)
      throws Exception {
    return attemptJdk(target, headers, subprotocols)
        .get(JdkClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** A connected JDK client without extra headers. */
  JdkClient jdk(String target) throws Exception {
    return jdk(target, Map.of());
  }

  /** Closes {@code client} with this object, before the server stops. */
  <T extends AutoCloseable> T track(T client) {
    synchronized (clients) {
      clients.push(client);
    }
    return client;
  }

  /** Sends {@code text} and returns the echo (the backend's name, a colon, the text). */
  static String roundTrip(JdkClient client, String text) throws Exception {
    client.ws.sendText(text, true).get(JdkClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    String echo = client.nextText();
    if (echo == null) {
      throw new AssertionError("no echo of " + text + " within " + JdkClient.TIMEOUT);
    }
    return echo;
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    synchronized (clients) {
      while (!clients.isEmpty()) {
        try {
          clients.pop().close();
        } catch (Exception e) {
          failure = e;
        }
      }
    }
    server.stop();
    proxy.close();
    connector.close();
    if (failure != null) {
      throw failure;
    }
  }
}
