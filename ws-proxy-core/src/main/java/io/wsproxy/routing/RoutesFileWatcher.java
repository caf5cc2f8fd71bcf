package io.wsproxy.routing;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a {@link RoutesFile} when its file changes, and on demand ({@link #reloadNow}, which the
 * CLI calls on SIGHUP).
 *
 * <pre>{@code
 * RoutesFile routes = RoutesFile.load(Path.of("routes.json"));
 * RoutesFileWatcher watcher = RoutesFileWatcher.watch(routes, change -> log.info("{}", change));
 * ... // proxy with routes.resolver()
 * watcher.close();
 * }</pre>
 *
 * <p>The file's directory is watched, so editors that write a new file and rename it over the old
 * one, and Kubernetes config maps (which swap a {@code ..data} link), are seen too. Events are
 * debounced: the file is read once they have been quiet for the debounce time (default
 * {@link #DEFAULT_DEBOUNCE}), and a version equal to the applied one changes nothing. A version
 * that cannot be read or parsed keeps the previous routes and logs one WARN naming the file and the
 * field; the same broken content is not reported again. Each applied change is logged at INFO and
 * handed to the {@link Listener}.
 *
 * <p><b>Threading.</b> One daemon thread, {@value #THREAD_NAME}, waits for file events and reloads.
 * {@link #reloadNow} reloads on the caller's thread. Reloads and listener calls never overlap
 * (they are serialised on this watcher), so the listener must not wait for another reload. {@link #close} stops the thread and releases the watch; it is idempotent.
 */
public final class RoutesFileWatcher implements AutoCloseable {

  /** How long file events must be quiet before the file is read: 200 ms. */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);
  /** The name of the watching thread. */
  public static final String THREAD_NAME = "ws-proxy-routes-watcher";
  /** How long {@link #close} waits for the thread to end: 2 s. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(RoutesFileWatcher.class);

  private final RoutesFile routes;
  private final Path file;
  private final Duration debounce;
  private final Listener listener;
  private final WatchService watch;
  private final Thread thread;
  private final Object reloading = new Object();
  private String lastFailure; // guarded by reloading: the last problem reported, not repeated
  private volatile boolean closed;

  /**
   * What a watcher reports. Called on the thread that reloaded (see the class comment), never two
   * at a time.
   */
  @FunctionalInterface
  public interface Listener {
    /** A non-empty change was applied. */
    void changed(RoutesChange change);

    /**
     * A version could not be read or parsed; the previous routes stay. {@code problem} names the
     * file and the field (it never holds file content beyond the offending value). Reported once
     * per distinct problem, as the WARN is. The default does nothing.
     */
    default void failed(String problem) {}
  }

  private RoutesFileWatcher(RoutesFile routes, Duration debounce, Listener listener)
      throws IOException {
    this.routes = routes;
    this.file = routes.path().orElseThrow(() -> new IllegalArgumentException(
        "routes was parsed from a string: there is no file to watch")).toAbsolutePath();
    this.debounce = debounce;
    this.listener = listener;
    this.watch = FileSystems.getDefault().newWatchService();
    try {
      Path dir = file.getParent();
      dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException | RuntimeException e) {
      watch.close();
      throw e;
    }
    this.thread = new Thread(this::run, THREAD_NAME);
    thread.setDaemon(true);
  }

  /** {@link #watch(RoutesFile, Duration, Consumer)} with {@link #DEFAULT_DEBOUNCE}. */
  public static RoutesFileWatcher watch(RoutesFile routes, Listener listener)
      throws IOException {
    return watch(routes, DEFAULT_DEBOUNCE, listener);
  }

  /**
   * Starts watching the file {@code routes} was {@link RoutesFile#load loaded} from.
   *
   * @param debounce how long events must be quiet before a reload; 1 ms to 1 min
   * @param listener gets each applied, non-empty change (after it was applied) and each failure
   * @throws IllegalArgumentException if {@code routes} was parsed from a string, or the debounce is
   *                                  out of range
   * @throws IOException              if the directory cannot be watched
   */
  public static RoutesFileWatcher watch(RoutesFile routes, Duration debounce,
      Listener listener) throws IOException {
    Objects.requireNonNull(routes, "routes");
    Objects.requireNonNull(debounce, "debounce");
    Objects.requireNonNull(listener, "listener");
    if (debounce.compareTo(Duration.ofMillis(1)) < 0 || debounce.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("debounce must be 1 ms to 1 min: " + debounce);
    }
    RoutesFileWatcher w = new RoutesFileWatcher(routes, debounce, listener);
    w.thread.start();
    return w;
  }

  /**
   * Reloads now, whether or not the file changed (a problem is logged even if reported before).
   *
   * @return the change applied (perhaps {@link RoutesChange#NONE}), or empty if the file could not be
   *     read or parsed (logged; the previous routes stay)
   */
  public Optional<RoutesChange> reloadNow() {
    synchronized (reloading) {
      lastFailure = null;
      return reload();
    }
  }

  private Optional<RoutesChange> reload() {
    synchronized (reloading) {
      if (closed) {
        return Optional.empty();
      }
      RoutesChange change;
      try {
        change = routes.reload();
      } catch (IOException e) {
        report(routes.source() + ": cannot be read: " + e);
        return Optional.empty();
      } catch (IllegalArgumentException e) {
        report(e.getMessage()); // names the file and the field
        return Optional.empty();
      }
      lastFailure = null;
      if (!change.isEmpty()) {
        log.info("Routes reloaded from {}: {}", routes.source(), change);
        try {
          listener.changed(change);
        } catch (RuntimeException e) {
          log.warn("Routes reloaded from {}, but the change listener failed: {}", routes.source(),
              e.toString());
        }
      }
      return Optional.of(change);
    }
  }

  private void report(String problem) {
    if (!problem.equals(lastFailure)) {
      lastFailure = problem;
      log.warn("Routes not reloaded, the previous routes stay: {}", problem);
      try {
        listener.failed(problem);
      } catch (RuntimeException e) {
        log.warn("The routes listener failed: {}", e.toString());
      }
    }
  }

  private void run() {
    try {
      while (!closed) {
        if (!concernsFile(watch.take())) {
          continue;
        }
        // debounce: an editor's save is often several events; read once they are quiet
        WatchKey more;
        while ((more = watch.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
          concernsFile(more);
        }
        reload();
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closed
    }
  }

  /** Drains and resets {@code key}; answers whether an event may concern the file. */
  private boolean concernsFile(WatchKey key) {
    boolean concerns = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      Object name = event.context();
      concerns |= event.kind() == StandardWatchEventKinds.OVERFLOW
          || name instanceof Path p && (p.equals(file.getFileName())
              || p.toString().startsWith("..")); // a Kubernetes config map swaps ..data
    }
    key.reset();
    return concerns;
  }

  /** Stops watching; waits up to {@link #CLOSE_WAIT} for the thread to end. */
  @Override
  public void close() {
    closed = true;
    try {
      watch.close();
    } catch (IOException e) {
      log.debug("closing the watch service of {} failed: {}", file, e.toString());
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
