package io.wsproxy.javawebsocket.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Tells channels when their out queue drained. Java-WebSocket has no drain callback: its selector
 * (server) or write thread (client) empties a connection's out queue and says nothing. So a channel
 * whose send answered "not writable" registers here, and while any is registered a task on the
 * timer checks each one's queued bytes every {@link #INTERVAL}; one that fell to its low-water mark
 * leaves and reports {@code onWritable}. Nothing runs while no channel is blocked.
 *
 * <p>Thread-safe; the checks run on the timer thread.
 */
public final class WritabilityWatch {

  /** How often blocked channels are checked: 5 ms (a 1 MiB/ms socket drains 5 MiB meanwhile). */
  public static final Duration INTERVAL = Duration.ofMillis(5);

  private final Timer timer;
  private final Set<JavaWebSocketChannel> blocked = ConcurrentHashMap.newKeySet();
  private Future<?> task; // guarded by this

  public WritabilityWatch(Timer timer) {
    this.timer = timer;
  }

  /** {@code channel}'s send answered "not writable": watch it until it drains. */
  void watch(JavaWebSocketChannel channel) {
    if (blocked.add(channel)) {
      synchronized (this) {
        if (task == null) {
          task = timer.every(INTERVAL, this::check);
        }
      }
    }
  }

  private void check() {
    for (JavaWebSocketChannel ch : blocked) {
      if (ch.drainedOrClosed()) {
        blocked.remove(ch);
        ch.drained();
      }
    }
    synchronized (this) {
      if (blocked.isEmpty() && task != null) {
        task.cancel(false);
        task = null;
      }
    }
    // a channel added after the emptiness check re-arms the task itself (watch sees task == null)
  }
}
