package io.wsproxy.examples.cli;

import java.io.PrintStream;
import java.util.Set;

/** One subcommand of {@code ws-proxy.jar}. */
public interface Command {

  /** The word that selects it: {@code proxy}, {@code echo}, ... */
  String name();

  /** One line for the command list. */
  String summary();

  /** The full usage text printed by {@code --help} and after a usage error. */
  String usage();

  /**
   * Every flag that takes a value ({@code --help} and {@code --version} aside), without the
   * {@code --}: what {@link #start} parses and what {@code --help} lists with its environment
   * variable, so the two cannot drift apart.
   */
  Set<String> valueFlags();

  /** Every switch (a flag without a value), as {@link #valueFlags}. */
  Set<String> switches();

  /** Whether the command serves until Ctrl-C (else it runs to completion in {@link #start}). */
  default boolean runsUntilStopped() {
    return true;
  }

  /**
   * Starts the command and returns once it is ready (listening) or done.
   *
   * @throws UsageException for a bad command line (exit code 2)
   * @throws Exception      for a failure such as a port in use (exit code 1)
   */
  Running start(String[] args, PrintStream out) throws Exception;

  /** A started command; {@link #close()} stops it, closing open connections with 1001. */
  interface Running extends AutoCloseable {
    @Override
    void close();
  }
}
