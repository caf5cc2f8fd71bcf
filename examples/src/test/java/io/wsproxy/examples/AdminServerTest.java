package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AdminServer} over a socket: metrics, health while accepting and while draining. */
class AdminServerTest {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean accepting = new AtomicBoolean(true);
  private AdminServer admin;

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close();
    }
    registry.close();
  }

  private HttpResponse<String> call(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + admin.port() + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIs200WhileAcceptingAnd503WhileDraining() throws Exception {
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), registry, accepting::get);
    assertEquals(200, call("GET", "/healthz").statusCode());
    accepting.set(false);
    HttpResponse<String> draining = call("GET", "/healthz");
    assertEquals(503, draining.statusCode());
    assertEquals("draining\n", draining.body());
  }

  @Test
  void metricsAreServedInThePrometheusTextFormat() throws Exception {
    Counter.builder("wsproxy.test.things").register(registry).increment(3);
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), registry, accepting::get);
    HttpResponse<String> metrics = call("GET", "/metrics");
    assertEquals(200, metrics.statusCode());
    assertEquals(AdminServer.METRICS_TYPE,
        metrics.headers().firstValue("Content-Type").orElse(""));
    assertEquals(3.0, PrometheusText.parse(metrics.body()).value("wsproxy_test_things_total"));
  }

  @Test
  void otherPathsAre404AndOtherMethods405() throws Exception {
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), registry, accepting::get);
    assertEquals(404, call("GET", "/").statusCode());
    assertEquals(404, call("GET", "/metrics/x").statusCode());
    HttpResponse<String> post = call("POST", "/metrics");
    assertEquals(405, post.statusCode());
    assertTrue(post.headers().firstValue("Allow").orElse("").contains("GET"));
  }
}
