package io.wsproxy.gateway.internal;

import java.util.concurrent.atomic.LongAdder;

/** The gateway's message counters; thread-safe and contention-free. */
final class Counters {

  private final LongAdder in = new LongAdder();
  private final LongAdder out = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();

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
