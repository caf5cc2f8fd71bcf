package io.wsproxy.javawebsocket.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Routes a fatal error ({@link VirtualMachineError}: out of memory, stack overflow, an internal JVM
 * error) that Java-WebSocket caught to the server's fatal-error handler, once. Java-WebSocket 1.6.0
 * catches such errors in its worker threads, logs "Shutdown due to fatal error", stops its server
 * and reports them to {@code onError} wrapped in an {@code Exception}; the process would go on
 * running with no server: a zombie. Thread-safe.
 */
public final class FatalErrors {

  private final Consumer<? super Throwable> handler;
  private final AtomicBoolean reported = new AtomicBoolean();

  public FatalErrors(Consumer<? super Throwable> handler) {
    this.handler = Objects.requireNonNull(handler, "fatalErrorHandler");
  }

  /** The fatal error in {@code error}'s cause chain, or {@code null}. */
  public static Throwable find(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof VirtualMachineError) {
        return t;
      }
    }
    return null;
  }

  /** Hands {@code error} to the handler if it is (or wraps) a fatal one; answers whether it was. */
  public boolean report(Throwable error) {
    Throwable fatal = find(error);
    if (fatal == null) {
      return false;
    }
    if (reported.compareAndSet(false, true)) {
      handler.accept(fatal);
    }
    return true;
  }
}
