package io.wsproxy.examples.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@link IdleSockets} processes of one idle run: started, told to close, reaped together. */
final class Attackers implements AutoCloseable {

  /** Most sockets one attacker process opens (its own {@code ulimit -n} is 20,000 here). */
  static final int MAX_PER_PROCESS = 9_000;
  /** Source addresses per process (127.0.0.x), so that processes never share one. */
  private static final int SOURCES_PER_PROCESS =
      (MAX_PER_PROCESS + IdleSockets.PER_SOURCE - 1) / IdleSockets.PER_SOURCE;

  private final List<Process> processes = new ArrayList<>();
  private final List<BufferedReader> outputs = new ArrayList<>();

  /** Starts enough processes for {@code total} idle sockets to {@code port}. */
  Attackers(int port, int total) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int left = total, k = 0; left > 0; left -= MAX_PER_PROCESS, k++) {
      int n = Math.min(left, MAX_PER_PROCESS);
      Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          IdleSockets.class.getName(), String.valueOf(port), String.valueOf(n),
          String.valueOf(2 + k * SOURCES_PER_PROCESS))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      processes.add(p);
      outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8)));
    }
  }

  /** Waits until every process has opened its sockets; answers their {@code OPENED} lines. */
  List<String> awaitOpened() throws IOException {
    List<String> lines = new ArrayList<>();
    for (BufferedReader r : outputs) {
      lines.add(String.valueOf(r.readLine()));
    }
    return lines;
  }

  /** Tells every process to close its sockets; answers their {@code CLOSED} lines once done. */
  List<String> closeAll() throws IOException {
    for (Process p : processes) {
      OutputStream in = p.getOutputStream();
      in.write("close\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
    }
    List<String> lines = new ArrayList<>();
    for (BufferedReader r : outputs) {
      lines.add(String.valueOf(r.readLine()));
    }
    return lines;
  }

  @Override
  public void close() {
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
