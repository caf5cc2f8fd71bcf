package io.wsproxy.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A counter of close codes, tagged {@code code} with {@link TagValues#closeCode} (19 values at most)
 * plus fixed tags; each made the first time its code is seen, so a scrape lists only codes that
 * happened. Thread-safe.
 */
public final class CloseCounters {

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final Tags tags;
  private final ConcurrentMap<String, Counter> byCode = new ConcurrentHashMap<>();

  public CloseCounters(MeterRegistry registry, String name, String description, Tags tags) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.tags = tags;
  }

  /** Counts one close with {@code code}. */
  public void count(int code) {
    String value = TagValues.closeCode(code);
    Counter c = byCode.get(value);
    if (c == null) {
      c = byCode.computeIfAbsent(value, v -> Counter.builder(name).description(description)
          .tags(tags).tag("code", v).register(registry));
    }
    c.increment();
  }
}
