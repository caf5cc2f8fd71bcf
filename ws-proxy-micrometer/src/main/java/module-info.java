/**
 * ws-proxy's Micrometer binding: metrics of the proxy and gateway listeners in a host's
 * {@code MeterRegistry}. Exports only {@code io.wsproxy.micrometer}.
 */
module io.wsproxy.micrometer {
  requires transitive io.wsproxy.core;
  requires transitive micrometer.core;

  exports io.wsproxy.micrometer;
}
