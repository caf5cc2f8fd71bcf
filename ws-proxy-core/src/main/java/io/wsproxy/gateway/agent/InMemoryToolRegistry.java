package io.wsproxy.gateway.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link ToolRegistry} held in memory; tools may be added and removed at any time. Thread-safe. */
public final class InMemoryToolRegistry implements ToolRegistry {

  private final ConcurrentSkipListMap<String, Tool> byName = new ConcurrentSkipListMap<>();

  /** Adds (or replaces) a tool; answers this registry. */
  public InMemoryToolRegistry register(Tool tool) {
    Objects.requireNonNull(tool, "tool");
    byName.put(tool.name(), tool);
    return this;
  }

  /** Removes a tool; {@code false} if there was none of that name. */
  public boolean unregister(String name) {
    return byName.remove(Objects.requireNonNull(name, "name")) != null;
  }

  @Override
  public List<Tool> list() {
    return new ArrayList<>(byName.values());
  }

  @Override
  public Optional<Tool> find(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
  }
}
