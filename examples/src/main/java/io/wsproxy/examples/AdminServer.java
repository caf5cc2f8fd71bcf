package io.wsproxy.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI's admin listener on the JDK's HTTP server: {@code GET /metrics} in the Prometheus text
 * format, {@code GET /healthz} 200 while the command accepts connections and 503 once it drains.
 * Anything else is 404 (405 for another method). One daemon thread serves requests; {@link #close}
 * stops it.
 */
final class AdminServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  /** What Prometheus expects for the text exposition format. */
  static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code address} (port 0 picks one) and serves until closed. */
  static AdminServer start(InetSocketAddress address, PrometheusMeterRegistry registry,
      BooleanSupplier accepting) throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ws-proxy-admin");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> serve(exchange, registry, accepting));
    server.start();
    return new AdminServer(server, executor);
  }

  /** The port it listens on. */
  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry,
      BooleanSupplier accepting) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean known = path.equals("/metrics") || path.equals("/healthz");
      String method = exchange.getRequestMethod();
      if (!known) {
        respond(exchange, 404, "text/plain; charset=utf-8", "Not found\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "text/plain; charset=utf-8", "Method not allowed\n");
      } else if (path.equals("/metrics")) {
        respond(exchange, 200, METRICS_TYPE, registry.scrape());
      } else if (accepting.getAsBoolean()) {
        respond(exchange, 200, "text/plain; charset=utf-8", "ok\n");
      } else {
        respond(exchange, 503, "text/plain; charset=utf-8", "draining\n");
      }
    } catch (IOException | RuntimeException e) {
      log.debug("admin request failed: {}", e.toString()); // a scraper that hung up
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
