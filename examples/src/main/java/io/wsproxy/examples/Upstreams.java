package io.wsproxy.examples;

import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.javawebsocket.JavaWebSocketUpstreamConnector;
import io.wsproxy.jdk.JdkUpstreamConnector;

/** Picks the upstream transport named by {@code --upstream}. */
final class Upstreams {

  static final String USAGE = "jdk|javawebsocket";

  private Upstreams() {}

  static UpstreamConnector byName(String name) throws UsageException {
    return switch (name) {
      case "jdk" -> new JdkUpstreamConnector();
      case "javawebsocket" -> new JavaWebSocketUpstreamConnector();
      default -> throw new UsageException("--upstream must be " + USAGE + ": " + name);
    };
  }
}
