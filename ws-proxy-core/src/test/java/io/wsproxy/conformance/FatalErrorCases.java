package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link OutOfMemoryError} in a connection's handler never leaves a zombie: a ready server hands
 * it to its fatal-error handler, and by default (after one ERROR line) to the JVM's default
 * uncaught-exception handler, so a process that exits on fatal errors (the CLI) exits. A server
 * transport's test extends this with a {@code main} that calls {@link FatalErrorProbe#runChild};
 * each case runs that in a child JVM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class FatalErrorCases {

  @TempDir
  Path dir;

  /** The test class itself: its {@code main} runs the child. */
  protected abstract Class<?> childMain();

  /** What the server's default fatal-error handler logs. */
  protected abstract String defaultHandlerLogs();

  @Test
  void handsAnOutOfMemoryErrorInAHandlerToTheFatalErrorHandler() throws Exception {
    FatalErrorProbe child = FatalErrorProbe.start(childMain(), FatalErrorProbe.MODE_HANDLER, dir);
    assertEquals(FatalErrorProbe.HANDLER_EXIT, child.exitCodeAfterOutOfMemory(), child::stderr);
    assertTrue(child.stderr().contains("FATAL-HANDLER java.lang.OutOfMemoryError"), child::stderr);
  }

  @Test
  void logsStopsAndPassesAnOutOfMemoryErrorToTheJvmsHandlerByDefault() throws Exception {
    FatalErrorProbe child = FatalErrorProbe.start(childMain(), FatalErrorProbe.MODE_DEFAULT, dir);
    assertEquals(FatalErrorProbe.JVM_EXIT, child.exitCodeAfterOutOfMemory(), child::stderr);
    assertTrue(child.stderr().contains(defaultHandlerLogs()), child::stderr);
    assertTrue(child.stderr().contains("JVM-HANDLER java.lang.OutOfMemoryError"), child::stderr);
  }
}
