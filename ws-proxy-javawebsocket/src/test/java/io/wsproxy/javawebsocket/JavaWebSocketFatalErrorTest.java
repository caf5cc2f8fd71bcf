package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.conformance.FatalErrorProbe;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link OutOfMemoryError} in a connection's handler never leaves a zombie: the ready server hands
 * it to its fatal-error handler, and by default to the JVM's default uncaught-exception handler, so
 * a process that exits on fatal errors (the CLI) exits. Each case runs the server in a child JVM
 * ({@link #main}).
 */
@Timeout(60)
class JavaWebSocketFatalErrorTest {

  @TempDir
  Path dir;

  @Test
  void handsAnOutOfMemoryErrorInAHandlerToTheFatalErrorHandler() throws Exception {
    FatalErrorProbe child = FatalErrorProbe.start(JavaWebSocketFatalErrorTest.class,
        FatalErrorProbe.MODE_HANDLER, dir);
    assertEquals(FatalErrorProbe.HANDLER_EXIT, child.exitCodeAfterOutOfMemory(), child::stderr);
    assertTrue(child.stderr().contains("FATAL-HANDLER java.lang.OutOfMemoryError"), child::stderr);
  }

  @Test
  void logsStopsAndPassesAnOutOfMemoryErrorToTheJvmsHandlerByDefault() throws Exception {
    FatalErrorProbe child = FatalErrorProbe.start(JavaWebSocketFatalErrorTest.class,
        FatalErrorProbe.MODE_DEFAULT, dir);
    assertEquals(FatalErrorProbe.JVM_EXIT, child.exitCodeAfterOutOfMemory(), child::stderr);
    assertTrue(child.stderr().contains("fatal error in the WebSocket server"), child::stderr);
    assertTrue(child.stderr().contains("JVM-HANDLER java.lang.OutOfMemoryError"), child::stderr);
  }

  /** The child JVM: a Java-WebSocket ready server on {@link FatalErrorProbe#endpoint()}. */
  public static void main(String[] args) throws Exception {
    JavaWebSocketEndpointServer.Builder b = JavaWebSocketEndpointServer.builder(
        new InetSocketAddress("127.0.0.1", 0), FatalErrorProbe.endpoint());
    if (args[0].equals(FatalErrorProbe.MODE_HANDLER)) {
      b.fatalErrorHandler(FatalErrorProbe::haltFromHandler);
    } else {
      FatalErrorProbe.installJvmHandler();
    }
    FatalErrorProbe.listening(b.start().port());
  }
}
