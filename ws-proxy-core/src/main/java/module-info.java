/**
 * ws-proxy core: the transport-free proxy, gateway and handshake security, and the SPI transports
 * implement. Exports the API packages and {@code io.wsproxy.spi}; every {@code internal} package
 * stays private to this module.
 */
module io.wsproxy.core {
  requires transitive org.slf4j;
  requires transitive com.google.gson; // the gateway API speaks Gson trees (JsonElement)

  exports io.wsproxy;
  exports io.wsproxy.spi;
  exports io.wsproxy.routing;
  exports io.wsproxy.gateway;
  exports io.wsproxy.gateway.agent;

  // the gateway's JSON codecs read and write its own records reflectively
  opens io.wsproxy.gateway to com.google.gson;
  opens io.wsproxy.gateway.internal to com.google.gson;
  opens io.wsproxy.routing.internal to com.google.gson;

  uses io.wsproxy.spi.UpstreamConnector;
}
