package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DescriptorBudgetTest {

  @Test
  void keepsACapThatFitsTheDescriptorLimit() {
    assertEquals(1000, DescriptorBudget.fit(1000, 2, 20_000, "proxy"));
  }

  @Test
  void lowersACapThatWouldRunTheProcessOutOfDescriptors() {
    // 10,000 proxied connections need 20,256 descriptors: with 20,000 the cap becomes 9,872
    assertEquals((20_000 - DescriptorBudget.RESERVED) / 2,
        DescriptorBudget.fit(10_000, 2, 20_000, "proxy"));
    assertEquals(20_000 - DescriptorBudget.RESERVED,
        DescriptorBudget.fit(50_000, 1, 20_000, "gateway"));
    assertEquals(1, DescriptorBudget.fit(10, 2, 100, "proxy"), "never below one");
  }

  @Test
  void readsTheSoftLimitWhereThePlatformTellsIt() throws Exception {
    java.nio.file.Path limits = java.nio.file.Path.of("/proc/self/limits");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(limits),
        "no /proc/self/limits on this platform");
    boolean unlimited = java.nio.file.Files.readAllLines(limits).stream()
        .anyMatch(l -> l.startsWith("Max open files") && l.contains("unlimited"));
    assertEquals(!unlimited, DescriptorBudget.softLimit().isPresent());
    DescriptorBudget.softLimit().ifPresent(limit -> assertTrue(limit > 0));
  }
}
