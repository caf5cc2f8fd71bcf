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
 * @param status       what the agent says it is doing: {@link #AVAILABLE} (the default), or what
 *                     it set with {@code agents.status} (for example {@code busy}); requests are
 *                     routed only to online agents that are available
 */
public record AgentInfo(String id, String type, Set<String> capabilities, String clientId,
    boolean online, Instant registeredAt, String status) {

  /** The status of an agent that takes routed requests. */
  public static final String AVAILABLE = "available";

  /** An agent with the status {@link #AVAILABLE}. */
  public AgentInfo(String id, String type, Set<String> capabilities, String clientId,
      boolean online, Instant registeredAt) {
    this(id, type, capabilities, clientId, online, registeredAt, AVAILABLE);
  }

  /** This agent with another status. */
  public AgentInfo withStatus(String newStatus) {
    return new AgentInfo(id, type, capabilities, clientId, online, registeredAt, newStatus);
  }

  /** Whether requests may be routed to it: online and available. */
  public boolean routable() {
    return online && AVAILABLE.equals(status);
  }

  public AgentInfo {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    capabilities = Set.copyOf(capabilities);
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(registeredAt, "registeredAt");
  }
}
