package io.wsproxy.gateway.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The gateway's message counters; thread-safe and contention-free. */
final class Counters {

  private final LongAdder in = new LongAdder();
  private final LongAdder out = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  // keyed by registered names only (and UNKNOWN), so a client cannot grow it
  private final Map<String, LongAdder> byType = new ConcurrentHashMap<>();

  /** The key of messages whose type or method has no handler. */
  static final String UNKNOWN = "(unknown)";

  void request(String registeredName) {
    byType.computeIfAbsent(registeredName, k -> new LongAdder()).increment();
  }

  /** Requests per type or method name, by name. */
  Map<String, Long> requestsByType() {
    Map<String, Long> out = new TreeMap<>();
    byType.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  void messageIn() {
    in.increment();
  }

  void messageOut() {
    out.increment();
  }

  void error() {
    errors.increment();
  }

  void rateLimited() {
    rateLimited.increment();
  }

  long in() {
    return in.sum();
  }

  long out() {
    return out.sum();
  }

  long errors() {
    return errors.sum();
  }

  long rateLimitedCount() {
    return rateLimited.sum();
  }
}
