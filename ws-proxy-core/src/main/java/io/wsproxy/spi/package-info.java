/**
 * The service-provider interface between the core and the transports: what a transport implements
 * ({@link io.wsproxy.spi.WsChannel}, {@link io.wsproxy.spi.UpstreamConnector}) and what it calls
 * ({@link io.wsproxy.spi.WsEndpoint}, {@link io.wsproxy.spi.PendingHandshake},
 * {@link io.wsproxy.spi.WsListener}). Hosts rarely need it: they build a {@code WebSocketProxy} or a
 * {@code Gateway} and hand it to a transport's server or adapter.
 *
 * <p>Transport modules import only the core's API packages and this one, never an
 * {@code internal} package.
 */
package io.wsproxy.spi;
