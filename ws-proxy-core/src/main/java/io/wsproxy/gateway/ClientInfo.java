package io.wsproxy.gateway;

import io.wsproxy.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A snapshot of one connected client of a {@link Gateway}. Immutable; later changes to the client
 * are not reflected.
 *
 * @param id            the gateway-assigned client id (random, unguessable)
 * @param authenticated whether the client may call methods other than connect, auth and ping
 * @param principal     who the client is ({@link Principal#ANONYMOUS} until authenticated, unless
 *                      the handshake named someone)
 * @param clientAddress the client's address after forwarded-header normalisation
 * @param sessions      the ids of the sessions the client is a member of
 * @param connectedAt   when the client was accepted (wall clock)
 * @param lastActivity  when the gateway last heard from it: a message or a pong (wall clock,
 *                      derived from the gateway's monotonic ticker)
 * @param metadata      what the client said about itself in {@code connect}, or the host set
 */
public record ClientInfo(String id, boolean authenticated, Principal principal,
    String clientAddress, Set<String> sessions, Instant connectedAt, Instant lastActivity,
    Map<String, String> metadata) {

  public ClientInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(clientAddress, "clientAddress");
    sessions = Set.copyOf(sessions);
    Objects.requireNonNull(connectedAt, "connectedAt");
    Objects.requireNonNull(lastActivity, "lastActivity");
    metadata = Map.copyOf(metadata);
  }
}
