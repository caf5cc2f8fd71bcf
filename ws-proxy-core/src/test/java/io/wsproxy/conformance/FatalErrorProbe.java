package io.wsproxy.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Headers;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.RejectionMode;
import io.wsproxy.spi.PendingHandshake;
import io.wsproxy.spi.Text;
import io.wsproxy.spi.WsChannel;
import io.wsproxy.spi.WsEndpoint;
import io.wsproxy.spi.WsListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the server transports' fatal-error tests share: a child JVM running a ready server whose
 * endpoint throws {@link OutOfMemoryError} on the text {@link #OOM_TEXT}, and the test's side that
 * starts it, sends that text and waits for the process to end. A server that swallows the error
 * leaves the child running: the zombie these tests rule out.
 *
 * <p>A child's {@code main} calls {@link #runChild} with how to start its server on 127.0.0.1,
 * port 0, serving {@link #endpoint()}; {@link FatalErrorCases} holds the tests.
 */
public final class FatalErrorProbe {

  public static final String MODE_HANDLER = "handler";
  public static final String MODE_DEFAULT = "default";
  public static final int HANDLER_EXIT = 70;
  public static final int JVM_EXIT = 71;
  public static final String OOM_TEXT = "oom";
  /** How long the child has to end after the error. */
  static final Duration EXIT_WITHIN = Duration.ofSeconds(20);

  private final Process process;
  private final int port;
  private final Path stderr;

  private FatalErrorProbe(Process process, int port, Path stderr) {
    this.process = process;
    this.port = port;
    this.stderr = stderr;
  }

  // ---------------------------------------------------------------- the child's side

  /** Accepts every upgrade and echoes text; its listener runs out of memory on {@link #OOM_TEXT}. */
  public static WsEndpoint endpoint() {
    return new WsEndpoint() {
      @Override
      public PendingHandshake handshake(HandshakeRequest request, Object affinity) {
        HandshakeDecision accept = new HandshakeDecision.Accept(request,
            request.remoteAddress().getAddress().getHostAddress(), Principal.ANONYMOUS, null, null,
            Headers.EMPTY);
        return PendingHandshake.decided(accept, ch -> new WsListener() {
          @Override
          public void onText(WsChannel channel, Text text) {
            if (text.toString().equals(OOM_TEXT)) {
              throw new OutOfMemoryError("simulated by the test endpoint");
            }
            channel.sendText(text);
          }
        });
      }

      @Override
      public Limits limits() {
        return Limits.DEFAULTS;
      }

      @Override
      public RejectionMode rejectionMode() {
        return RejectionMode.HTTP_STATUS;
      }
    };
  }

  /** Starts the server under test with a fatal-error handler, or {@code null} for its default. */
  @FunctionalInterface
  public interface ServerStart {
    /** Answers the bound port. */
    int start(Consumer<Throwable> fatalErrorHandlerOrNull) throws Exception;
  }

  /**
   * The child's {@code main}: in {@link #MODE_HANDLER} the server gets a handler that prints
   * {@code FATAL-HANDLER <error>} and halts with {@link #HANDLER_EXIT}; in {@link #MODE_DEFAULT} it
   * keeps its default and the JVM's default uncaught-exception handler halts with
   * {@link #JVM_EXIT}, as the CLI's does. Prints the port, then waits for the halt.
   */
  public static void runChild(String[] args, ServerStart server) throws Exception {
    boolean own = args[0].equals(MODE_HANDLER);
    if (!own) {
      Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
        System.err.println("JVM-HANDLER " + e);
        Runtime.getRuntime().halt(JVM_EXIT);
      });
    }
    int port = server.start(own ? error -> {
      System.err.println("FATAL-HANDLER " + error);
      Runtime.getRuntime().halt(HANDLER_EXIT);
    } : null);
    System.out.println("PORT " + port);
    System.out.flush();
    Thread.currentThread().join(); // only a halt ends this
  }

  // ---------------------------------------------------------------- the test's side

  /** Starts {@code mainClass} (on this JVM's class path) in {@code mode}; its stderr goes to a file. */
  public static FatalErrorProbe start(Class<?> mainClass, String mode, Path dir) throws IOException {
    Path err = dir.resolve("child-" + mode + ".err");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass.getName(), mode));
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8)).readLine(); // until the child listens, or dies (null)
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new AssertionError("child did not start: " + line + "\n" + Files.readString(err));
    }
    return new FatalErrorProbe(p, Integer.parseInt(line.substring(5).trim()), err);
  }

  /** Checks the server echoes, sends the text that throws, and answers the child's exit code. */
  public int exitCodeAfterOutOfMemory() throws Exception {
    try (TestClient c = TestClient.connect(URI.create("ws://127.0.0.1:" + port + "/"))) {
      c.sendText("hello");
      assertEquals("hello", c.next(ConformanceFixture.AWAIT));
      c.sendText(OOM_TEXT);
      if (!process.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the child still runs " + EXIT_WITHIN
            + " after the OutOfMemoryError: a zombie\n" + stderr());
      }
      return process.exitValue();
    }
  }

  /** What the child wrote to stderr. */
  public String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }
}
