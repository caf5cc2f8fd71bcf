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
 * {@link #onHangUp} answers {@code null} and SIGHUP keeps its default (the JVM exits).
 *
 * <p>The action runs on a thread the JVM starts for the signal; it must not block for long.
 */
final class Sighup {

  private static final Logger log = LoggerFactory.getLogger(Sighup.class);
  static final String SIGNAL = "HUP";

  private Sighup() {}

  /**
   * Installs {@code action} as the SIGHUP handler; answers what restores the previous handler, or
   * {@code null} when this JVM cannot handle SIGHUP (logged at INFO with the reason).
   */
  static AutoCloseable onHangUp(Runnable action) {
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
      return () -> handle.invoke(null, hup, previous);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException t
          && t.getCause() != null ? t.getCause() : e;
      log.info("SIGHUP cannot reload the routes in this JVM ({}); the file is still watched",
          cause.toString());
      return null;
    }
  }
}
