/**
 * The agent profile of a JSON-RPC {@link io.wsproxy.gateway.Gateway}: the methods an agent-gateway
 * client expects ({@code agent.send}, {@code agent.cancel}, {@code sessions.create},
 * {@code sessions.list}, {@code sessions.history}, {@code tools.list}, {@code tools.invoke} and
 * {@code system.health}), each backed by a small host SPI with a ready in-memory implementation:
 * an {@link io.wsproxy.gateway.agent.AgentRuntime} that streams a turn's events,
 * a {@link io.wsproxy.gateway.agent.ToolRegistry} of {@link io.wsproxy.gateway.agent.Tool}s with
 * JSON schemas and timeouts, and a {@link io.wsproxy.gateway.agent.ConversationStore} of
 * conversations with bounded, paged history. Enable it with
 * {@link io.wsproxy.gateway.GatewayBuilder#agentProfile}.
 *
 * <p><b>Conversations are not rooms.</b> In this profile a "session" on the wire is a
 * <em>conversation</em>: an agent chat with an owner and a history that outlives connections. The
 * gateway's broadcast <em>rooms</em> (the envelope protocol's sessions, {@code rooms.*} in
 * JSON-RPC, {@link io.wsproxy.gateway.SessionInfo} in Java) are groups of connected clients that
 * vanish with their last member. The two never share an id space or a method.
 */
package io.wsproxy.gateway.agent;
