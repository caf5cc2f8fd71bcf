package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

  // A real line of /proc/PID/stat; utime 1234 (field 14), stime 567 (field 15).
  private static final String STAT = "4242 (java) S 1 4242 4242 0 -1 4194560 27383 0 12 0 1234 567"
      + " 0 0 20 0 37 0 12345 4000000000 30000 18446744073709551615 1 1 0 0 0 0 0 2 16800975";

  @Test
  void cpuTicksAreUtimePlusStime() {
    assertEquals(1234 + 567, ProcStats.cpuTicks(STAT));
    assertEquals(1234, ProcStats.userTicks(STAT));
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    String tricky = STAT.replace("(java)", "(we (ird) name)");
    assertEquals(1234 + 567, ProcStats.cpuTicks(tricky));
  }

  @Test
  void aTruncatedStatLineIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ProcStats.cpuTicks("4242 (java) S 1 2"));
    assertThrows(IllegalArgumentException.class, () -> ProcStats.cpuTicks("no parenthesis"));
  }

  @Test
  void statusFieldsAreReadByName() {
    String status = "Name:\tnginx\nVmPeak:\t   99999 kB\nVmRSS:\t   12345 kB\nThreads:\t7\n";
    assertEquals(12345, ProcStats.statusNumber(status, "VmRSS"));
    assertEquals(7, ProcStats.statusNumber(status, "Threads"));
  }

  @Test
  void anAbsentStatusFieldIsZero() {
    assertEquals(0, ProcStats.statusNumber("Name:\tzombie\nThreads:\t1\n", "VmRSS"));
  }

  @Test
  void theOpenFileLimitIsReadFromItsLineOfProcLimits() {
    String limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max processes             96363                96363                processes
        Max open files            20000                40000                files
        Max locked memory         8388608              8388608              bytes
        """;
    assertEquals(Optional.of(new ProcStats.OpenFileLimit(20_000, 40_000)),
        ProcStats.maxOpenFiles(limits));
    assertEquals(Optional.of(new ProcStats.OpenFileLimit(1024, Long.MAX_VALUE)),
        ProcStats.maxOpenFiles("Max open files            1024                 unlimited   files\n"));
    assertEquals(Optional.empty(), ProcStats.maxOpenFiles("Max processes 1 1 processes\n"));
    assertThrows(IllegalArgumentException.class, () -> ProcStats.maxOpenFiles("Max open files 7"));
  }

  @Test
  void thisProcessesDescriptorLimitAndOpenDescriptorsCanBeRead() {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    long limit = ProcStats.openFileLimit(ProcessHandle.current()).orElseThrow();
    assertEquals(limit, ProcStats.ownOpenFileLimit().orElseThrow().soft());
    long open = ProcStats.openFiles(ProcessHandle.current());
    assertTrue(open >= 3 && open <= limit, open + " of " + limit);
  }

  @Test
  void thisProcessCanBeSampled() {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    ProcStats.Sample s = ProcStats.sample(ProcessHandle.current());
    assertEquals(1, s.processes(), s.toString());
    assertTrue(s.rssKib() > 1000, s.toString());
    assertTrue(s.threads() >= 2, s.toString());
    assertTrue(s.cpuTicks() > 0, s.toString());
    assertTrue(ProcStats.ticksPerSecond() > 0);
  }

  @Test
  void cpuAndItsUserShareBetweenTwoReadingsComeFromTheTickDeltas() {
    ProcStats.Sample before = new ProcStats.Sample(100, 30, 10, 0, 1, 1);
    ProcStats.Sample after = new ProcStats.Sample(100 + ProcStats.ticksPerSecond(),
        30 + ProcStats.ticksPerSecond() / 4, 10 + ProcStats.ticksPerSecond() / 10, 0, 1, 1);
    assertEquals(1e6, after.cpuMicrosSince(before), 1e-6);
    assertEquals(25.0, after.userPercentSince(before), 1e-9);
    assertEquals(1e5, after.jitMicrosSince(before), 1e-6);
    assertEquals(10.0, after.jitPercentSince(before), 1e-9);
    assertTrue(Double.isNaN(before.userPercentSince(before)), "no CPU used: no share");
    assertTrue(Double.isNaN(before.jitPercentSince(before)), "no CPU used: no JIT share");
  }

  @Test
  void jitCompilerThreadsAreKnownByTheNamesLinuxShowsForHotSpots() {
    assertEquals("C2 CompilerThre",
        ProcStats.commandName("4242 (C2 CompilerThre) S 1 2 3 4 5 6 7 8 9 10 11 12 13"));
    assertEquals("a) b", ProcStats.commandName("7 (a) b) R 1 2 3"));
    assertTrue(ProcStats.isJitCompiler("C2 CompilerThre"));
    assertTrue(ProcStats.isJitCompiler("C1 CompilerThre"));
    assertFalse(ProcStats.isJitCompiler("VM Thread"));
    assertFalse(ProcStats.isJitCompiler("ws-proxy-netty-"));
  }

  @Test
  void aJvmsSampleCountsItsJitCompilerThreads() {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    ProcStats.Sample s = ProcStats.sample(ProcessHandle.current());
    assertTrue(s.jitTicks() > 0, "this JVM has compiled something by now: " + s);
    assertTrue(s.jitTicks() <= s.cpuTicks(), s.toString());
  }
}
