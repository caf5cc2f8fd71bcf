package io.wsproxy.examples.cli;

/** A bad command line: the CLI prints the message and the usage, and exits with code 2. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message);
  }
}
