package io.wsproxy.examples;

import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.javawebsocket.JavaWebSocketEndpointServer;
import io.wsproxy.netty.NettyEndpointServer;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;

/** Starts the server transport named by {@code --server}. */
final class Servers {

  static final String USAGE = "netty|javawebsocket";
  static final String DEFAULT = "netty";

  /**
   * A started server.
   *
   * @param port the bound port
   * @param stop stops it (closes the listening socket and its threads)
   */
  record Started(int port, Runnable stop) implements AutoCloseable {
    @Override
    public void close() {
      stop.run();
    }
  }

  private Servers() {}

  /** Checks {@code name} before anything is started. */
  static String check(String name) throws UsageException {
    if (!name.equals("netty") && !name.equals("javawebsocket")) {
      throw new UsageException("--server must be " + USAGE + ": " + name);
    }
    return name;
  }

  static Started start(String name, InetSocketAddress listen, WsEndpoint endpoint)
      throws Exception {
    if (check(name).equals("netty")) {
      NettyEndpointServer s = NettyEndpointServer.start(listen, endpoint);
      return new Started(s.port(), s::close);
    }
    JavaWebSocketEndpointServer s = JavaWebSocketEndpointServer.start(listen, endpoint);
    return new Started(s.port(), s::close);
  }
}
