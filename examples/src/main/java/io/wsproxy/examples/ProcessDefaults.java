package io.wsproxy.examples;

/**
 * Settings the CLI makes for its own process, before any library class is loaded; a library never
 * makes them for its host. Each is a system property, and one given on the command line
 * ({@code java -Dname=value -jar ws-proxy.jar ...}) wins.
 */
final class ProcessDefaults {

  /** Netty's buffer leak detector; see {@link #apply}. */
  static final String LEAK_DETECTION = "io.netty.leakDetection.level";

  private ProcessDefaults() {}

  /**
   * Turns Netty's buffer leak detector off: at its default level it records a stack trace for one
   * buffer in 128, a cost on every relayed message that a profile of the 64 B relay showed, and a
   * leak it finds is a bug for the test suite to catch, not for a running proxy to log. Give
   * {@code -Dio.netty.leakDetection.level=simple} (or {@code paranoid}) to turn it back on.
   */
  static void apply() {
    if (System.getProperty(LEAK_DETECTION) == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
  }
}
