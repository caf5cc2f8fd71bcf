package io.wsproxy.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU time, resident memory and threads of a process and its descendants (nginx: master and
 * workers), read from Linux {@code /proc}. The parsers are pure; {@link #sample} reads the files.
 */
public final class ProcStats {

  /**
   * One reading, summed over a process tree.
   *
   * @param cpuTicks  user plus system CPU time
   * @param userTicks the user part of it (the rest is the kernel working for the process)
   */
  public record Sample(long cpuTicks, long userTicks, long rssKib, int threads, int processes) {}

  private static final long TICKS_PER_SECOND = clockTicks();

  private ProcStats() {}

  /** Clock ticks per second that {@code /proc/PID/stat} counts in ({@code getconf CLK_TCK}). */
  public static long ticksPerSecond() {
    return TICKS_PER_SECOND;
  }

  /** Reads the process and all its live descendants; processes that vanish meanwhile are skipped. */
  public static Sample sample(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    long ticks = 0;
    long user = 0;
    long rss = 0;
    int threads = 0;
    int processes = 0;
    for (ProcessHandle p : tree) {
      try {
        Path dir = Path.of("/proc", Long.toString(p.pid()));
        String stat = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
        String status = Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII);
        ticks += cpuTicks(stat);
        user += userTicks(stat);
        rss += statusNumber(status, "VmRSS");
        threads += (int) statusNumber(status, "Threads");
        processes++;
      } catch (IOException | IllegalArgumentException e) {
        // exited between listing and reading: it no longer holds CPU or memory
      }
    }
    return new Sample(ticks, user, rss, threads, processes);
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
