package io.wsproxy.examples;

import io.wsproxy.spi.UpstreamConnector;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.javawebsocket.JavaWebSocketUpstreamConnector;
import io.wsproxy.jdk.JdkUpstreamConnector;
import io.wsproxy.netty.NettyUpstreamConnector;

/** Picks the upstream transport named by {@code --upstream}. */
final class Upstreams {

  static final String USAGE = "netty|jdk|javawebsocket";
  static final String DEFAULT = "netty";

  private Upstreams() {}

  static UpstreamConnector byName(String name) throws UsageException {
    return switch (name) {
      case "netty" -> new NettyUpstreamConnector();
      case "jdk" -> new JdkUpstreamConnector();
      case "javawebsocket" -> new JavaWebSocketUpstreamConnector();
      default -> throw new UsageException("--upstream must be " + USAGE + ": " + name);
    };
  }
}
