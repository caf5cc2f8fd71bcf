package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CpuPinningTest {

  @Test
  void theLoadGetsEveryAllowedCpuButTheProxys() {
    assertEquals("0", CpuPinning.others("0-1", "1"));
    assertEquals("0,2,3,6", CpuPinning.others("0-3,6", "1"));
    assertEquals("1,2", CpuPinning.others(" 0,1,2 ", "0"));
  }

  @Test
  void noCpuLeftMeansTheLoadIsNotPinned() {
    assertNull(CpuPinning.others("1", "1"));
  }

  @Test
  void aProxyCpuOutsideTheAllowedSetLeavesThemAll() {
    assertEquals("0,1", CpuPinning.others("0-1", "5"));
  }
}
