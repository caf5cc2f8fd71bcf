/**
 * An upstream connector on the JDK's {@code java.net.http.WebSocket}, for hosts that want no
 * dependency beyond the JDK. Found by {@code WebSocketProxy} through {@link java.util.ServiceLoader}
 * when no connector is set.
 */
module io.wsproxy.jdk {
  requires transitive io.wsproxy.core;
  requires java.net.http;
  requires org.slf4j;

  exports io.wsproxy.jdk;

  provides io.wsproxy.spi.UpstreamConnector with io.wsproxy.jdk.JdkUpstreamConnector;
}
