package io.wsproxy.examples;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on SIGHUP, as daemons reload their configuration, through {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}). Reached by reflection so that a JVM without it, or one started
 * with {@code -Xrs} (which leaves the signal to the OS), keeps working without the reload: then
 * {@link #onHangUp} answers why not, and SIGHUP keeps its default (the JVM exits).
 *
 * <p>A process that ignores SIGHUP (started under {@code nohup}, or by a supervisor that ignores
 * it) gets no reload on SIGHUP either: the JVM accepts the handler but never installs it for an
 * ignored shutdown signal, and the signal stays ignored, as {@code nohup} asked. {@link #onHangUp}
 * sees that and answers why not, so that the CLI does not promise a reload that cannot happen.
 *
 * <p>The action runs on a thread the JVM starts for the signal; it must not block for long.
 */
final class Sighup {

  private static final Logger log = LoggerFactory.getLogger(Sighup.class);
  static final String SIGNAL = "HUP";
  /** Why there is no handler in a process that ignores SIGHUP. */
  static final String IGNORED = "this process ignores SIGHUP, as under nohup";

  private Sighup() {}

  /**
   * A SIGHUP handler installed ({@code restore} puts the previous one back), or why none is:
   * exactly one of the two is non-null.
   */
  record Installation(AutoCloseable restore, String whyNot) {
    boolean installed() {
      return restore != null;
    }
  }

  /**
   * Installs {@code action} as the SIGHUP handler; answers what restores the previous handler, or
   * why this JVM cannot run it (logged at INFO with the reason).
   */
  static Installation onHangUp(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object hup = signal.getConstructor(String.class).newInstance(SIGNAL);
      Method handle = signal.getMethod("handle", signal, handlerType);
      InvocationHandler calls = (proxy, method, args) -> switch (method.getName()) {
        case "handle" -> {
          action.run();
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> "SIGHUP reload";
      };
      Object handler = Proxy.newProxyInstance(Sighup.class.getClassLoader(),
          new Class<?>[] {handlerType}, calls);
      Object previous = handle.invoke(null, hup, handler);
      if (previous == handlerType.getField("SIG_IGN").get(null)) {
        handle.invoke(null, hup, previous); // ours would never run: leave it as it was
        log.info("SIGHUP cannot reload the routes: {}; the file is still watched", IGNORED);
        return new Installation(null, IGNORED);
      }
      return new Installation(() -> handle.invoke(null, hup, previous), null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException t
          && t.getCause() != null ? t.getCause() : e;
      log.info("SIGHUP cannot reload the routes in this JVM ({}); the file is still watched",
          cause.toString());
      return new Installation(null, "this JVM cannot handle signals: " + cause);
    }
  }
}
