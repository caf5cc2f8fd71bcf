package io.wsproxy.examples.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process the bench starts (echo backend, proxy under test, nginx), its output going to a log
 * file. Every one is also registered with a JVM shutdown hook, so Ctrl-C or a failure never leaves
 * one running; {@link #close} kills it and its descendants. Thread-safe.
 */
final class ChildProcess implements AutoCloseable {

  private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final Set<Runnable> AFTER_KILL = ConcurrentHashMap.newKeySet();
  private static final Object STARTING = new Object();
  private static boolean stopping; // guarded by STARTING

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      List<ChildProcess> children;
      synchronized (STARTING) { // no child may start after this: it would outlive the JVM
        stopping = true;
        children = List.copyOf(LIVE);
      }
      children.forEach(ChildProcess::close);
      List.copyOf(AFTER_KILL).forEach(Runnable::run);
    }, "bench-kill-children"));
  }

  /**
   * Runs {@code cleanup} if the JVM is stopped (Ctrl-C) after the children are killed, such as
   * deleting the directory their files are in; {@link #forget} it once done normally.
   */
  static void afterKill(Runnable cleanup) {
    AFTER_KILL.add(cleanup);
  }

  static void forget(Runnable cleanup) {
    AFTER_KILL.remove(cleanup);
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with stdout and stderr into {@code log}. */
  static ChildProcess start(String name, List<String> command, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(new File("/dev/null"));
    synchronized (STARTING) {
      if (stopping) {
        throw new IOException("the bench is stopping: " + name + " not started");
      }
      ChildProcess child = new ChildProcess(name, builder.start(), log);
      LIVE.add(child);
      return child;
    }
  }

  /** A port on 127.0.0.1 that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** Waits until {@code 127.0.0.1:port} accepts TCP connections; fails if the process exits. */
  void awaitListening(int port, Duration limit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + ": " + logTail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IOException(name + " not listening on 127.0.0.1:" + port + " after "
              + limit.toSeconds() + " s: " + logTail());
        }
      }
      // Polling a child's port has no event to wait on; 50 ms keeps the start-up cost small.
      Thread.sleep(50);
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** The last lines the process printed. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Kills the process and its descendants: SIGTERM, then SIGKILL after 5 s. */
  @Override
  public void close() {
    LIVE.remove(this);
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }
}
