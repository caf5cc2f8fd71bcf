package io.wsproxy.examples;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wsproxy.ProxyListener;
import io.wsproxy.examples.cli.Args;
import io.wsproxy.examples.cli.Command;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.micrometer.GatewayMetrics;
import io.wsproxy.micrometer.ProxyMetrics;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code --admin-listen} and {@code --access-log} flags shared by {@code proxy} and
 * {@code gateway}: the listeners they attach and the admin listener they start. Not thread-safe
 * while parsing; the listeners it hands out are.
 */
final class ObservabilityFlags {

  static final Set<String> FLAGS = Set.of("admin-listen", "access-log");

  private final InetSocketAddress adminAddress;
  private final AccessLog accessLog;
  private final PrometheusMeterRegistry registry;
  private final AtomicBoolean accepting = new AtomicBoolean(true);

  private ObservabilityFlags(InetSocketAddress adminAddress, AccessLog accessLog) {
    this.adminAddress = adminAddress;
    this.accessLog = accessLog;
    this.registry = adminAddress == null ? null : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (registry != null) {
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
    }
  }

  /** {@code flags} plus these, for {@link Args#parse}. */
  static Set<String> plus(Set<String> flags) {
    Set<String> all = new HashSet<>(flags);
    all.addAll(FLAGS);
    return Set.copyOf(all);
  }

  /** The usage section, starting with a blank line. */
  static String usage() {
    return """

        Observability:
          --admin-listen HOST:PORT           serve GET /metrics (Prometheus text) and GET /healthz
                                             (200, or 503 while shutting down) on this address;
                                             off by default, keep it off the public network
          --access-log text|json|off         one line per connection, refusal and upstream failure
                                             on the logger io.wsproxy.access (default: text)
        """;
  }

  static ObservabilityFlags parse(Args args) throws UsageException {
    String admin = args.one("admin-listen", null);
    AccessLog log = switch (args.one("access-log", "text")) {
      case "text" -> AccessLog.toSlf4j(AccessLog.Format.TEXT);
      case "json" -> AccessLog.toSlf4j(AccessLog.Format.JSON);
      case "off" -> null;
      default -> throw new UsageException("--access-log must be text, json or off: "
          + args.one("access-log", null));
    };
    return new ObservabilityFlags(admin == null ? null : Args.hostPort("admin-listen", admin), log);
  }

  /** What the proxy's builder gets as its listener: metrics, the access log, both or none. */
  ProxyListener proxyListener() {
    return ProxyListener.compose(registry == null ? ProxyListener.NONE
        : ProxyMetrics.create(registry), accessLog == null ? ProxyListener.NONE : accessLog);
  }

  /** The same for the gateway. */
  GatewayListener gatewayListener() {
    return GatewayListener.compose(registry == null ? GatewayListener.NONE
        : GatewayMetrics.create(registry), accessLog == null ? GatewayListener.NONE : accessLog);
  }

  /**
   * Starts the admin listener, if asked, and answers a {@link Command.Running} that turns
   * {@code /healthz} to 503, closes {@code served} and then the admin listener. If the admin
   * listener cannot start, {@code served} is closed and the error thrown.
   */
  Command.Running serve(Command.Running served, PrintStream out) throws Exception {
    if (registry == null) {
      return served;
    }
    AdminServer admin;
    try {
      admin = AdminServer.start(adminAddress, registry, accepting::get);
    } catch (Exception e) {
      served.close();
      registry.close();
      throw e;
    }
    out.println("  admin: http://" + ProxyCommand.hostPort(adminAddress, admin.port())
        + "/metrics and /healthz");
    return () -> {
      accepting.set(false);
      try {
        served.close();
      } finally {
        admin.close();
        registry.close();
      }
    };
  }
}
