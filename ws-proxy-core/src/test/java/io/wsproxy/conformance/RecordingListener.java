package io.wsproxy.conformance;

import io.wsproxy.ConnectionInfo;
import io.wsproxy.ProxyListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts a proxy's lifecycle events per connection id. Thread-safe. */
final class RecordingListener implements ProxyListener {

  /** Lifecycle events a connection goes through. */
  enum Event { OPENED, CONNECTED, FAILED, CLOSED }

  private final Map<Long, Map<Event, AtomicInteger>> counts = new ConcurrentHashMap<>();
  private final AtomicInteger closed = new AtomicInteger();

  @Override
  public void connectionOpened(ConnectionInfo connection) {
    count(connection, Event.OPENED);
  }

  @Override
  public void upstreamConnected(ConnectionInfo connection, Duration latency) {
    count(connection, Event.CONNECTED);
  }

  @Override
  public void upstreamFailed(ConnectionInfo connection, Throwable cause) {
    count(connection, Event.FAILED);
  }

  @Override
  public void connectionClosed(ConnectionInfo connection, int clientCode, int upstreamCode,
      String reason) {
    count(connection, Event.CLOSED);
    closed.incrementAndGet();
  }

  /** Number of connectionClosed events so far. */
  int closedEvents() {
    return closed.get();
  }

  /** How often {@code event} was reported per connection id. */
  Map<Long, Integer> counts(Event event) {
    Map<Long, Integer> out = new java.util.TreeMap<>();
    counts.forEach((id, m) -> out.put(id, m.get(event).get()));
    return out;
  }

  private void count(ConnectionInfo c, Event e) {
    counts.computeIfAbsent(c.id(), id -> {
      Map<Event, AtomicInteger> m = new ConcurrentHashMap<>();
      for (Event ev : Event.values()) {
        m.put(ev, new AtomicInteger());
      }
      return m;
    }).get(e).incrementAndGet();
  }
}
