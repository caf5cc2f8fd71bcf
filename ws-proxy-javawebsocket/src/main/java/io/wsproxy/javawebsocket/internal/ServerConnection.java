package io.wsproxy.javawebsocket.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.Rejection;

/**
 * What the adapter attaches to a Java-WebSocket connection at the handshake: the channel, and either
 * the endpoint's acceptance or (close-code rejection mode) the refusal to send once the upgrade is
 * done. Attached once, before Java-WebSocket publishes the connection, and never replaced.
 */
public record ServerConnection(JwsChannel channel, HandshakeDecision.Accept accept,
    Rejection refusal) {}
