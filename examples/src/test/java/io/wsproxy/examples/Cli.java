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

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
