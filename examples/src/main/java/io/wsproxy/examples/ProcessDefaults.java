package io.wsproxy.examples;

/**
 * Settings the CLI makes for its own process, before any library class is loaded; a library never
 * makes them for its host. Each is a system property, and one given on the command line
 * ({@code java -Dname=value -jar ws-proxy.jar ...}) wins.
 */
final class ProcessDefaults {

  /** Netty's buffer leak detector; see {@link #apply}. */
  static final String LEAK_DETECTION = "io.netty.leakDetection.level";
  /** Netty's check, on every access to a buffer, that it was not released; see {@link #apply}. */
  static final String CHECK_ACCESSIBLE = "io.netty.buffer.checkAccessible";
  /** The older name of {@link #CHECK_ACCESSIBLE}, which Netty still reads when that is not set. */
  static final String CHECK_ACCESSIBLE_LEGACY = "io.netty.buffer.bytebuf.checkAccessible";

  private ProcessDefaults() {}

  /**
   * Turns Netty's buffer leak detector off: at its default level it records a stack trace for one
   * buffer in 128, a cost on every relayed message that a profile of the 64 B relay showed, and a
   * leak it finds is a bug for the test suite to catch, not for a running proxy to log. Give
   * {@code -Dio.netty.leakDetection.level=simple} (or {@code paranoid}) to turn it back on.
   *
   * <p>Turns off Netty's check, on every read or write of a buffer, that the buffer was not
   * released (a reference count read each time): a profile of the warm 64 B relay put it at a
   * sixth of the proxy's user time (most of it in writing each frame's header), and without it the
   * user time was a quarter lower. The check turns a use of a
   * released buffer into an exception; without it such a use reads or writes memory the buffer no
   * longer owns. It guards against bugs, not against input: the test suite runs with it on (the
   * library never changes it for its host), and index bounds are still checked on every access.
   * Give {@code -Dio.netty.buffer.checkAccessible=true} to turn it back on.
   */
  static void apply() {
    if (System.getProperty(LEAK_DETECTION) == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
    if (System.getProperty(CHECK_ACCESSIBLE) == null
        && System.getProperty(CHECK_ACCESSIBLE_LEGACY) == null) {
      System.setProperty(CHECK_ACCESSIBLE, "false");
    }
  }
}
