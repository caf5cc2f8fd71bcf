package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.examples.cli.Command;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs CLI commands in tests and reads what they print. */
final class Cli {

  private static final Pattern LISTENING = Pattern.compile("listening on ws://[^\\s]+:(\\d+)");

  private Cli() {}

  /** The outcome of {@link Main#run}. */
  record Result(int exitCode, String out, String err) {}

  /** {@code Main.run(argv)} without blocking: a serving command is closed right after it started. */
  static Result run(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(argv, print(out), print(err), false);
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** A command started as the CLI starts it, with what it printed; close it at the end. */
  record Started(Command.Running running, String out) implements AutoCloseable {

    /** The port of the first {@code listening on ws://HOST:PORT} line. */
    int port() {
      Matcher m = LISTENING.matcher(out);
      assertTrue(m.find(), "no 'listening on' line in: " + out);
      return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() {
      running.close();
    }
  }

  static Started start(Command command, String... argv) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Command.Running running = command.start(argv, print(out));
    return new Started(running, out.toString(StandardCharsets.UTF_8));
  }

  /**
   * A command started as the CLI starts it whose later output (such as reload reports) can be
   * awaited; close it at the end.
   */
  static final class Live implements AutoCloseable {
    private final Command.Running running;
    private final StringBuilder out = new StringBuilder();
    private final PrintStream stream = new PrintStream(new java.io.OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public void write(int b) {
        synchronized (out) {
          line.write(b);
          if (b == '\n') {
            out.append(line.toString(StandardCharsets.UTF_8));
            line.reset();
            out.notifyAll();
          }
        }
      }
    }, true, StandardCharsets.UTF_8);

    Live(Command command, String... argv) throws Exception {
      this.running = command.start(argv, stream);
    }

    int port() {
      return new Started(running, output()).port();
    }

    String output() {
      synchronized (out) {
        return out.toString();
      }
    }

    /** Waits until the output holds {@code times} lines containing {@code text}; answers the last. */
    String awaitLine(String text, int times, java.time.Duration timeout)
        throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (out) {
        while (true) {
          java.util.List<String> lines = out.toString().lines().filter(l -> l.contains(text))
              .toList();
          if (lines.size() >= times) {
            return lines.get(times - 1);
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("no " + times + "x '" + text + "' within " + timeout
                + " in: " + out);
          }
          out.wait(Math.max(1, left / 1_000_000));
        }
      }
    }

    @Override
    public void close() {
      running.close();
    }
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
