package io.wsproxy.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the tests' slf4j-simple binding logged while an action ran. The build sends test logs to a
 * file (system property {@code org.slf4j.simpleLogger.logFile}, so expected negative tests do not
 * print over the build output); without it they go to standard error, which is captured instead.
 * Tests that read the log should be {@code @Isolated}: other tests' lines land in it too.
 */
public final class TestLog {

  /** An action that may throw. */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  private TestLog() {}

  /** The log lines written while {@code action} ran. */
  public static String during(Action action) throws Exception {
    String file = System.getProperty("org.slf4j.simpleLogger.logFile");
    if (file == null || file.equals("System.err") || file.equals("System.out")) {
      return stderrDuring(action);
    }
    Path path = Path.of(file);
    long before = Files.exists(path) ? Files.size(path) : 0;
    action.run();
    return readFrom(path, before);
  }

  private static String readFrom(Path path, long offset) throws IOException {
    if (!Files.exists(path)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
      long length = f.length();
      byte[] bytes = new byte[(int) Math.max(0, length - offset)];
      f.seek(offset);
      f.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static String stderrDuring(Action action) throws Exception {
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
