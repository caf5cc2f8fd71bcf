package io.wsproxy.javawebsocket;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what the tests' slf4j-simple logger prints (it writes to whatever {@code System.err} is
 * at the moment of each line), so a test can assert what a scenario logged, and so expected errors
 * do not reach the console.
 */
final class LogCapture {

  /** A block of test code that may throw. */
  interface Block {
    void run() throws Exception;
  }

  private LogCapture() {}

  /** Runs {@code block} and returns everything logged meanwhile. */
  static String during(Block block) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      block.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
