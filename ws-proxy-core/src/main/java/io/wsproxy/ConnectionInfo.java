package io.wsproxy;

import java.net.URI;

/**
 * Facts about one proxied connection, for {@link ProxyListener} events. Immutable.
 *
 * @param id            unique per proxy instance, increasing
 * @param clientAddress the client's IP address (the peer's, or from trusted forwarding headers)
 * @param path          the request path the client asked for
 * @param upstream      the upstream URI dialled
 * @param principal     who the client authenticated as
 * @param subprotocol   the negotiated subprotocol, or {@code null}
 */
public record ConnectionInfo(long id, String clientAddress, String path, URI upstream,
    Principal principal, String subprotocol) {}
