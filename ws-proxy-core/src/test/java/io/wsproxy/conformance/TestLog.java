package io.wsproxy.conformance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the tests' slf4j-simple binding logged while an action ran: it writes to standard error,
 * which is captured here (the build sends each test class's output to
 * {@code target/surefire-reports/<class>-output.txt}, so expected negative tests do not print over
 * the build output). Tests that read the log should be {@code @Isolated}: other threads' lines land
 * in it too.
 */
public final class TestLog {

  /** An action that may throw. */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  private TestLog() {}

  /** The log lines written to standard error while {@code action} ran. */
  public static String during(Action action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
      return captured.toString(StandardCharsets.UTF_8);
    } finally {
      System.setErr(original);
    }
  }
}
