package io.wsproxy.gateway;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The agents registered with a {@link Gateway}: clients that announced an id, a type and
 * capabilities with {@code agents.register}. An agent is online while the connection that
 * registered it is open; it stays listed offline afterwards and comes back online when it
 * registers again (until {@link GatewayBuilder#maxAgents} forces the oldest offline agents out).
 *
 * <p><b>Routing.</b> {@link #request} sends the event {@code agent.request}
 * {@code {requestId, capability, method, params, from}} to an online agent with the capability
 * (round robin among those {@linkplain AgentInfo#routable() available}); the agent answers with the method {@code agents.respond}
 * {@code {requestId, result}} or {@code {requestId, error: {code, message, data?}}}. The returned
 * stage completes with the result, or exceptionally with a {@link GatewayException}:
 * {@link ErrorCodes#UNAVAILABLE} (no such agent, or it went offline before answering),
 * {@link ErrorCodes#TIMEOUT}, or the agent's own error. Clients route the same way with the
 * method {@code agents.request}.
 *
 * <p><b>Threading.</b> Thread-safe; nothing blocks. Stages complete on the thread delivering the
 * agent's answer, or on the gateway's timer thread for a timeout.
 */
public interface AgentRegistry {

  /** Every registered agent, online or not, ordered by id. */
  List<AgentInfo> list();

  /** One agent by id. */
  Optional<AgentInfo> get(String agentId);

  /** The agents having {@code capability}, online or not, ordered by id. */
  List<AgentInfo> findByCapability(String capability);

  /** The agents of {@code type}, online or not, ordered by id. */
  List<AgentInfo> findByType(String type);

  /**
   * Removes an agent from the registry (its connection stays); {@code false} if there was none.
   * Requests routed to it and still unanswered fail with {@link ErrorCodes#UNAVAILABLE}.
   */
  boolean unregister(String agentId);

  /**
   * Sets an agent's status (1 to 64 characters); only {@link AgentInfo#AVAILABLE} agents are
   * routed to. {@code false} if there is no such agent.
   */
  boolean setStatus(String agentId, String status);

  /**
   * Sends the server event {@code event} to the connection of every online agent {@code filter}
   * accepts (each connection once); answers how many connections.
   */
  int broadcast(String event, Object data, java.util.function.Predicate<AgentInfo> filter);

  /**
   * Routes a request to an online agent with {@code capability} and answers its result.
   *
   * @param method  what to ask the agent to do (free-form for the agent), or {@code null}
   * @param params  serialised with the gateway's Gson; {@code null} for none
   * @param timeout positive; at most {@link Gateway#MAX_AGENT_REQUEST_TIMEOUT}
   */
  CompletionStage<JsonElement> request(String capability, String method, Object params,
      Duration timeout);
}
