package io.wsproxy;

import java.time.Duration;

/**
 * How one proxied connection ended, for access logs and metrics
 * ({@link ProxyListener#connectionClosed(ConnectionInfo, ConnectionSummary)}). Immutable.
 *
 * @param opened             whether the client was served (false: its dial failed or it left while
 *                           the upstream was being dialled, connect-first)
 * @param subprotocol        the subprotocol the client got, or {@code null}
 * @param clientCode         the close code the client side ended with (1006 if it dropped or never
 *                           opened)
 * @param clientReason       its reason, or empty
 * @param upstreamCode       the close code the upstream side ended with (1006 if it dropped or never
 *                           connected)
 * @param upstreamReason     its reason, or empty
 * @param reason             why the connection ended, in a few words (the first reason recorded)
 * @param duration           from the start of the dial (or accept) to the end
 * @param messagesToUpstream messages relayed client → upstream
 * @param bytesToUpstream    payload bytes relayed client → upstream (text: UTF-8 length, or an upper
 *                           bound of it where the transport holds strings)
 * @param messagesToClient   messages relayed upstream → client
 * @param bytesToClient      payload bytes relayed upstream → client
 */
public record ConnectionSummary(boolean opened, String subprotocol, int clientCode,
    String clientReason, int upstreamCode, String upstreamReason, String reason,
    Duration duration, long messagesToUpstream, long bytesToUpstream, long messagesToClient,
    long bytesToClient) {}
