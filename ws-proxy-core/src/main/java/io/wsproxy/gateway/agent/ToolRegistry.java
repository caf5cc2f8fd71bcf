package io.wsproxy.gateway.agent;

import java.util.List;
import java.util.Optional;

/**
 * The tools {@code tools.list} describes and {@code tools.invoke} runs (and an
 * {@link AgentRuntime} may call). {@link InMemoryToolRegistry} is a ready implementation.
 *
 * <p><b>Threading.</b> Implementations must be thread-safe and fast (no I/O).
 */
public interface ToolRegistry {

  /** Every tool, ordered by name. */
  List<Tool> list();

  /** One tool by name. */
  Optional<Tool> find(String name);
}
