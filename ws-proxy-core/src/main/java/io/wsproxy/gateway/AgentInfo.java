package io.wsproxy.gateway;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A snapshot of one registered agent. Immutable.
 *
 * @param id           the agent id it registered with (stable across reconnects)
 * @param type         its type (for example {@code "llm"} or {@code "tool-runner"})
 * @param capabilities what it can do; requests are routed by capability
 * @param clientId     the client connection that registered it last
 * @param online       whether that connection is still open
 * @param registeredAt when it last registered (wall clock)
 */
public record AgentInfo(String id, String type, Set<String> capabilities, String clientId,
    boolean online, Instant registeredAt) {

  public AgentInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    capabilities = Set.copyOf(capabilities);
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(registeredAt, "registeredAt");
  }
}
