package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogRateTest {

  @Test
  void allowsTheBudgetThenHoldsBackAndCountsTheRest() {
    LogRate rate = new LogRate(3);
    assertTrue(rate.allow());
    assertTrue(rate.allow());
    assertTrue(rate.allow());
    assertFalse(rate.allow());
    assertFalse(rate.allow());
    assertEquals(2, rate.suppressed());
    assertEquals(0, rate.suppressed(), "the count resets once read");
  }
}
