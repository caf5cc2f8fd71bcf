package io.wsproxy.examples;

import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.javawebsocket.ProxyServer;
import io.wsproxy.netty.NettyProxyServer;
import io.wsproxy.spi.WsEndpoint;
import java.net.InetSocketAddress;

/** Starts the server transport named by {@code --server}. */
final class Servers {

  static final String USAGE = "netty|javawebsocket";
  static final String DEFAULT = "netty";

  /** A started server: its port and how to stop it. */
  interface Started extends AutoCloseable {
    int port();

    @Override
    void close();
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
      NettyProxyServer s = NettyProxyServer.start(listen, endpoint);
      return new Started() {
        public int port() {
          return s.port();
        }

        public void close() {
          s.close();
        }
      };
    }
    ProxyServer s = ProxyServer.start(listen, endpoint);
    return new Started() {
      public int port() {
        return s.port();
      }

      public void close() {
        s.close();
      }
    };
  }
}
