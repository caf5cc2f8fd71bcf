package io.wsproxy.examples;

import io.wsproxy.WebSocketProxy;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.spi.UpstreamConnector;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** {@code demo}: an echo backend and a proxy in front of it, proven with one message. */
final class DemoCommand implements Command {

  static final String MESSAGE = "hello through ws-proxy";

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "start an echo backend and a proxy in front of it, and send a message through";
  }

  @Override
  public String usage() {
    return """
        Usage: java -jar ws-proxy.jar demo

        Starts an echo backend and a proxy in front of it on free ports of 127.0.0.1, prints both
        URLs, sends one message through the proxy and prints the echo. Runs until Ctrl-C.

        Options:
          --help   show this help
        """;
  }

  @Override
  public Set<String> valueFlags() {
    return Set.of();
  }

  @Override
  public Set<String> switches() {
    return Set.of();
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args.parse(argv, valueFlags(), switches());
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    // the CLI's defaults: Netty on both sides
    Servers.Started echo = Servers.start(Servers.DEFAULT, any, new EchoEndpoint());
    String echoUrl = "ws://127.0.0.1:" + echo.port();
    UpstreamConnector connector = Upstreams.byName(Upstreams.DEFAULT);
    WebSocketProxy proxy = WebSocketProxy.builder().connector(connector).route("/", echoUrl)
        .build();
    Servers.Started server;
    try {
      server = Servers.start(Servers.DEFAULT, any, proxy);
    } catch (Exception e) {
      proxy.close();
      connector.close();
      echo.close();
      throw e;
    }
    String proxyUrl = "ws://127.0.0.1:" + server.port();
    Running running = () -> {
      proxy.close();
      server.close();
      connector.close();
      echo.close();
    };
    out.println("echo backend: " + echoUrl);
    out.println("proxy:        " + proxyUrl + "   (route / -> " + echoUrl + ")");
    try {
      String reply = roundTrip(URI.create(proxyUrl + "/demo"), MESSAGE);
      out.println("demo: sent \"" + MESSAGE + "\" to " + proxyUrl + "/demo and got \"" + reply
          + "\" back from the echo backend through the proxy");
    } catch (Exception e) {
      running.close();
      throw new IllegalStateException("the demo message did not come back: " + e, e);
    }
    out.println("Try it yourself: npx wscat -c " + proxyUrl + "/demo   (Ctrl-C to stop)");
    return running;
  }

  /** Sends one text message and returns the first text that comes back. */
  static String roundTrip(URI uri, String message) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          reply.complete(text.toString());
        }
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
        reply.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        reply.completeExceptionally(error);
      }
    }).get(10, TimeUnit.SECONDS);
    try {
      ws.sendText(message, true);
      return reply.get(10, TimeUnit.SECONDS);
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }
}
