package io.wsproxy.examples;

import io.wsproxy.spi.UpstreamConnector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wsproxy.ProxyListener;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.micrometer.ProxyMetrics;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.javawebsocket.ProxyServer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench}: round trips through an in-process echo backend, once directly and once through the
 * proxy, so the difference in process CPU time is the proxy's cost per relayed message.
 */
final class BenchCommand implements Command {

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "measure round trips and CPU per relayed message, direct vs through the proxy";
  }

  @Override
  public boolean runsUntilStopped() {
    return false;
  }

  @Override
  public String usage() {
    return """
        Usage: java -jar ws-proxy.jar bench [--connections N] [--messages N] [--size BYTES]
                                            [--upstream jdk|javawebsocket]

        Each connection sends binary messages one after another and waits for each echo. The run
        is made directly against the echo backend and then through the proxy; the extra process
        CPU time divided by the relayed messages (two per round trip) is the proxy's cost.

        Options:
          --connections N    concurrent connections (default 50)
          --messages N       round trips per connection (default 2000)
          --size BYTES       payload size (default 64)
          --upstream NAME    proxy's upstream transport: jdk|javawebsocket (default jdk)
          --metrics          attach the Micrometer binding (a Prometheus registry) to the proxy
          --help             show this help
        """;
  }

  @Override
  public Running start(String[] argv, PrintStream out) throws Exception {
    Args args = Args.parse(argv, Set.of("connections", "messages", "size", "upstream"),
        Set.of("metrics"));
    int connections = (int) args.number("connections", 50, 1, 5000);
    int messages = (int) args.number("messages", 2000, 1, 10_000_000);
    int size = (int) args.number("size", 64, 1, 1 << 20);
    UpstreamConnector connector = Upstreams.byName(args.one("upstream", "jdk"));
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    try (ProxyServer echo = ProxyServer.start(any, new EchoEndpoint())) {
      String echoUrl = "ws://127.0.0.1:" + echo.port();
      try (PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
          WebSocketProxy proxy = WebSocketProxy.builder().connector(connector)
              .route("/", echoUrl).listener(args.has("metrics") ? ProxyMetrics.create(registry)
                  : ProxyListener.NONE).build();
          ProxyServer server = ProxyServer.start(any, proxy)) {
        run(URI.create(echoUrl + "/warmup"), Math.min(connections, 10), 500, size); // JIT warm-up
        Result direct = run(URI.create(echoUrl + "/bench"), connections, messages, size);
        Result proxied = run(URI.create("ws://127.0.0.1:" + server.port() + "/bench"),
            connections, messages, size);
        long relayed = 2L * connections * messages;
        out.printf("bench: %d connections x %d round trips of %d bytes (upstream %s%s)%n",
            connections, messages, size, args.one("upstream", "jdk"),
            args.has("metrics") ? ", metrics on" : "");
        out.println("  direct:  " + direct);
        out.println("  proxied: " + proxied);
        out.printf("  proxy CPU per relayed message: %.2f us (process CPU delta / %d relays)%n",
            (proxied.cpuNanos - direct.cpuNanos) / 1000.0 / relayed, relayed);
      }
    } finally {
      connector.close();
    }
    return () -> { };
  }

  /** One measured run. */
  record Result(long wallNanos, long cpuNanos, long[] latenciesNanos) {
    @Override
    public String toString() {
      long[] l = latenciesNanos.clone();
      Arrays.sort(l);
      double secs = wallNanos / 1e9;
      return String.format("%.0f round trips/s, p50 %.0f us, p99 %.0f us, CPU %.0f ms",
          l.length / secs, l[l.length / 2] / 1e3, l[(int) (l.length * 0.99)] / 1e3,
          cpuNanos / 1e6);
    }
  }

  private static Result run(URI uri, int connections, int messages, int size) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long[] latencies = new long[connections * messages];
    List<CompletableFuture<Void>> done = new ArrayList<>();
    List<WebSocket> sockets = new ArrayList<>();
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      Pinger p = new Pinger(messages, size, latencies, c * messages);
      sockets.add(http.newWebSocketBuilder().buildAsync(uri, p).get(10, TimeUnit.SECONDS));
      done.add(p.done);
    }
    CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.MINUTES);
    long wall = System.nanoTime() - t0;
    long cpu = cpuNanos() - cpu0;
    for (WebSocket ws : sockets) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
    return new Result(wall, cpu, latencies);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Sends a message, waits for its echo, records the round trip, repeats. */
  private static final class Pinger implements WebSocket.Listener {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final int messages;
    private final byte[] payload;
    private final long[] latencies;
    private final int offset;
    private int count;
    private long sentAt;
    private int received;

    Pinger(int messages, int size, long[] latencies, int offset) {
      this.messages = messages;
      this.payload = new byte[size];
      this.latencies = latencies;
      this.offset = offset;
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
      send(ws);
    }

    private void send(WebSocket ws) {
      sentAt = System.nanoTime();
      ws.sendBinary(ByteBuffer.wrap(payload), true);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      received += data.remaining();
      if (last && received >= payload.length) {
        received = 0;
        latencies[offset + count] = System.nanoTime() - sentAt;
        if (++count == messages) {
          done.complete(null);
        } else {
          send(ws);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      done.completeExceptionally(new IllegalStateException("closed early: " + code + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      done.completeExceptionally(error);
    }
  }
}
