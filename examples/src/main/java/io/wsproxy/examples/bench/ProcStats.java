package io.wsproxy.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * CPU time, resident memory, threads and descriptors of a process and its descendants (nginx:
 * master and workers), read from Linux {@code /proc}. The parsers are pure; {@link #sample}, {@link
 * #openFileLimit} and {@link #openFiles} read the files.
 */
public final class ProcStats {

  /**
   * One reading, summed over a process tree.
   *
   * @param cpuTicks  user plus system CPU time
   * @param userTicks the user part of it (the rest is the kernel working for the process)
   * @param jitTicks  the part of {@code cpuTicks} used by a JVM's JIT compiler threads (0 for
   *                  a process that has none, such as nginx)
   */
  public record Sample(long cpuTicks, long userTicks, long jitTicks, long rssKib, int threads,
      int processes) {

    /** CPU used between {@code before} and this reading, in microseconds. */
    public double cpuMicrosSince(Sample before) {
      return (cpuTicks - before.cpuTicks) * 1e6 / TICKS_PER_SECOND;
    }

    /** The user share (percent) of the CPU used since {@code before}; NaN when none was used. */
    public double userPercentSince(Sample before) {
      long cpu = cpuTicks - before.cpuTicks;
      return cpu <= 0 ? Double.NaN : 100.0 * (userTicks - before.userTicks) / cpu;
    }

    /** CPU the JIT compiler threads used between {@code before} and this reading, microseconds. */
    public double jitMicrosSince(Sample before) {
      return (jitTicks - before.jitTicks) * 1e6 / TICKS_PER_SECOND;
    }

    /** The JIT compiler's share (percent) of the CPU used since {@code before}; NaN when none. */
    public double jitPercentSince(Sample before) {
      long cpu = cpuTicks - before.cpuTicks;
      return cpu <= 0 ? Double.NaN : 100.0 * (jitTicks - before.jitTicks) / cpu;
    }
  }

  /**
   * A process's {@code Max open files} (the descriptors it may hold, {@code ulimit -n}); {@link
   * Long#MAX_VALUE} for unlimited.
   */
  public record OpenFileLimit(long soft, long hard) {}

  private static final long TICKS_PER_SECOND = clockTicks();

  private ProcStats() {}

  /** Clock ticks per second that {@code /proc/PID/stat} counts in ({@code getconf CLK_TCK}). */
  public static long ticksPerSecond() {
    return TICKS_PER_SECOND;
  }

  /** Reads the process and all its live descendants; processes that vanish meanwhile are skipped. */
  public static Sample sample(ProcessHandle root) {
    long ticks = 0;
    long user = 0;
    long jit = 0;
    long rss = 0;
    int threads = 0;
    int processes = 0;
    for (ProcessHandle p : tree(root)) {
      try {
        Path dir = Path.of("/proc", Long.toString(p.pid()));
        String stat = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
        String status = Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII);
        ticks += cpuTicks(stat);
        user += userTicks(stat);
        jit += jitTicks(dir);
        rss += statusNumber(status, "VmRSS");
        threads += (int) statusNumber(status, "Threads");
        processes++;
      } catch (IOException | IllegalArgumentException e) {
        // exited between listing and reading: it no longer holds CPU or memory
      }
    }
    return new Sample(ticks, user, jit, rss, threads, processes);
  }

  /** CPU ticks of the JIT compiler threads among {@code /proc/PID/task}; 0 when none. */
  private static long jitTicks(Path processDir) {
    long ticks = 0;
    try (Stream<Path> tasks = Files.list(processDir.resolve("task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
          if (isJitCompiler(commandName(stat))) {
            ticks += cpuTicks(stat);
          }
        } catch (IOException | IllegalArgumentException e) {
          // the thread ended between listing and reading
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
    return ticks;
  }

  /**
   * True for the name HotSpot gives its JIT compiler threads ({@code C1 CompilerThread0}, {@code
   * C2 CompilerThread1}), as Linux shows it: cut to 15 characters ({@code C2 CompilerThre}).
   */
  public static boolean isJitCompiler(String threadName) {
    return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
  }

  /** Field 2 of a {@code /proc/PID/stat} line: the command (thread) name, without parentheses. */
  public static String commandName(String statLine) {
    int open = statLine.indexOf('(');
    int close = statLine.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + statLine);
    }
    return statLine.substring(open + 1, close);
  }

  /**
   * utime + stime (fields 14 and 15) of a {@code /proc/PID/stat} line. The command name (field 2)
   * is in parentheses and may itself contain spaces and parentheses, so fields are counted from the
   * last {@code ')'}.
   */
  public static long cpuTicks(String statLine) {
    String[] f = statFields(statLine);
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** utime (field 14) of a {@code /proc/PID/stat} line. */
  public static long userTicks(String statLine) {
    return Long.parseLong(statFields(statLine)[11]);
  }

  /** The fields after the command name; {@code f[0]} is field 3 (state), so field n is f[n - 3]. */
  private static String[] statFields(String statLine) {
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + statLine);
    }
    String[] f = statLine.substring(close + 1).trim().split("\\s+");
    if (f.length < 13) {
      throw new IllegalArgumentException("too few fields in /proc/PID/stat: " + statLine);
    }
    return f;
  }

  /**
   * The number of a {@code /proc/PID/status} line such as {@code VmRSS:   1234 kB} or
   * {@code Threads: 5}; 0 when the field is absent (a zombie has no VmRSS).
   */
  public static long statusNumber(String status, String field) {
    String prefix = field + ":";
    for (String line : status.split("\n")) {
      if (line.startsWith(prefix)) {
        String[] words = line.substring(prefix.length()).trim().split("\\s+");
        return Long.parseLong(words[0]);
      }
    }
    return 0;
  }

  /**
   * The {@code Max open files} line of a {@code /proc/PID/limits} text ({@code Max open files
   * 20000 20000 files}), or empty when it has none.
   */
  public static Optional<OpenFileLimit> maxOpenFiles(String limits) {
    String name = "Max open files";
    for (String line : limits.split("\n")) {
      if (line.startsWith(name)) {
        String[] words = line.substring(name.length()).trim().split("\\s+");
        if (words.length < 2) {
          throw new IllegalArgumentException("no soft and hard limit in: " + line);
        }
        return Optional.of(new OpenFileLimit(limitValue(words[0]), limitValue(words[1])));
      }
    }
    return Optional.empty();
  }

  private static long limitValue(String word) {
    return word.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(word);
  }

  /**
   * The lowest soft {@code Max open files} of the process and its descendants (for nginx the
   * worker's, which holds the connections, may differ from the master's), or empty when {@code
   * /proc} does not tell.
   */
  public static Optional<Long> openFileLimit(ProcessHandle root) {
    Optional<Long> lowest = Optional.empty();
    for (ProcessHandle p : tree(root)) {
      Optional<OpenFileLimit> limit = ownLimit(p.pid());
      if (limit.isPresent() && (lowest.isEmpty() || limit.get().soft() < lowest.get())) {
        lowest = Optional.of(limit.get().soft());
      }
    }
    return lowest;
  }

  /** This process's own limit (which the children it starts inherit), or empty. */
  public static Optional<OpenFileLimit> ownOpenFileLimit() {
    return ownLimit(ProcessHandle.current().pid());
  }

  private static Optional<OpenFileLimit> ownLimit(long pid) {
    try {
      return maxOpenFiles(Files.readString(Path.of("/proc", Long.toString(pid), "limits"),
          StandardCharsets.US_ASCII));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // no /proc, or the process exited
    }
  }

  /** Descriptors open in the process and its descendants ({@code /proc/PID/fd}); -1 if unknown. */
  public static long openFiles(ProcessHandle root) {
    long open = 0;
    for (ProcessHandle p : tree(root)) {
      try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
        open += fds.count();
      } catch (IOException | UncheckedIOException e) {
        return -1;
      }
    }
    return open;
  }

  /** The process and its live descendants. */
  private static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Long.parseLong(out);
      }
    } catch (IOException | NumberFormatException e) {
      // no getconf: Linux uses 100 on every common architecture
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
