/**
 * Micrometer metrics for ws-proxy: {@link io.wsproxy.micrometer.ProxyMetrics} binds a proxy's
 * listener events, {@link io.wsproxy.micrometer.GatewayMetrics} a gateway's, to a host's
 * {@code MeterRegistry}. Metric names follow Micrometer's dotted conventions; every tag has a small,
 * fixed set of values.
 */
package io.wsproxy.micrometer;
