package io.wsproxy.micrometer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.wsproxy.Rejection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code wsproxy.handshake.refused}, tagged {@code endpoint}, {@code reason} and {@code status}; one
 * counter per HTTP status, made the first time that status is refused (at most the 200 statuses a
 * {@link Rejection} allows). Thread-safe.
 */
public final class Refusals {

  public static final String NAME = "wsproxy.handshake.refused";

  private final MeterRegistry registry;
  private final Tags tags;
  private final ConcurrentMap<Integer, Counter> byStatus = new ConcurrentHashMap<>();

  /** @param endpoint {@code proxy} or {@code gateway} */
  public Refusals(MeterRegistry registry, Tags commonTags, String endpoint) {
    this.registry = registry;
    this.tags = commonTags.and("endpoint", endpoint);
  }

  /** Counts one refusal. */
  public void count(Rejection rejection) {
    Counter c = byStatus.get(rejection.httpStatus());
    if (c == null) {
      c = byStatus.computeIfAbsent(rejection.httpStatus(), status -> Counter.builder(NAME)
          .description("WebSocket upgrades refused before anything was dialled")
          .tags(tags)
          .tag("reason", TagValues.refusalReason(rejection))
          .tag("status", Integer.toString(status))
          .register(registry));
    }
    c.increment();
  }
}
