package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
  void thisProcessCanBeSampled() {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    ProcStats.Sample s = ProcStats.sample(ProcessHandle.current());
    assertEquals(1, s.processes(), s.toString());
    assertTrue(s.rssKib() > 1000, s.toString());
    assertTrue(s.threads() >= 2, s.toString());
    assertTrue(s.cpuTicks() > 0, s.toString());
    assertTrue(ProcStats.ticksPerSecond() > 0);
  }
}
