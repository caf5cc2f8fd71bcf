package io.wsproxy.examples;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI's answer to an {@link OutOfMemoryError} or any other {@link VirtualMachineError}: one
 * ERROR line and {@link Runtime#halt} with {@link #EXIT_FATAL}, at once, so that a supervisor
 * (systemd, Kubernetes, a shell loop) restarts a clean process instead of keeping a zombie that
 * accepts nothing or serves some connections and not others. The ready servers hand the fatal
 * errors they catch to the JVM's default uncaught-exception handler (their default fatal-error
 * handler does), and every other thread's uncaught errors end up there too; this installs that
 * handler. {@code halt}, not {@code exit}: shutdown hooks would try to close connections with a heap
 * that is already exhausted. Other uncaught exceptions keep the JVM's usual treatment.
 */
final class FatalErrorExit {

  /** Exit code after a fatal error (EX_SOFTWARE of sysexits.h). */
  static final int EXIT_FATAL = 70;

  private static final Logger log = LoggerFactory.getLogger(FatalErrorExit.class);

  private FatalErrorExit() {}

  /** Installs the handler for the whole JVM; the previous one still gets non-fatal exceptions. */
  static void install() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
      if (error instanceof VirtualMachineError) {
        halt(thread, error);
      } else if (previous != null) {
        previous.uncaughtException(thread, error);
      } else {
        thread.getThreadGroup().uncaughtException(thread, error);
      }
    });
  }

  private static void halt(Thread thread, Throwable error) {
    try {
      log.error("fatal error in thread {}: {}; exiting with {}", thread.getName(), error,
          EXIT_FATAL);
    } catch (Throwable logging) { // the heap may be too full even to log; exit regardless
      // nothing else can be done
    } finally {
      Runtime.getRuntime().halt(EXIT_FATAL);
    }
  }
}
