package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOfOneToHundredIsTheRankItself() {
    long[] v = new long[100];
    for (int i = 0; i < 100; i++) {
      v[i] = 100 - i; // unsorted on purpose
    }
    Percentiles p = new Percentiles(v, 100);
    assertEquals(50, p.percentile(50));
    assertEquals(99, p.percentile(99));
    assertEquals(100, p.percentile(100));
    assertEquals(1, p.percentile(0.5));
  }

  @Test
  void onlyTheFirstCountValuesAreUsed() {
    long[] v = {5, 1, 3, 1_000_000, 1_000_000};
    Percentiles p = new Percentiles(v, 3);
    assertEquals(3, p.count());
    assertEquals(3, p.percentile(50));
    assertEquals(5, p.percentile(99));
  }

  @Test
  void p99OfAThousandIgnoresTheTenSlowest() {
    long[] v = new long[1000];
    for (int i = 0; i < 1000; i++) {
      v[i] = i < 990 ? 10 : 5000;
    }
    assertEquals(10, new Percentiles(v, 1000).percentile(99));
    assertEquals(5000, new Percentiles(v, 1000).percentile(99.1));
  }

  @Test
  void noValuesGiveNaN() {
    assertTrue(Double.isNaN(new Percentiles(new long[4], 0).percentile(50)));
  }

  @Test
  void outOfRangeArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Percentiles(new long[2], 3));
    assertThrows(IllegalArgumentException.class, () -> new Percentiles(new long[2], 2)
        .percentile(0));
    assertThrows(IllegalArgumentException.class, () -> new Percentiles(new long[2], 2)
        .percentile(101));
  }

  @Test
  void theCallersArrayIsNotReordered() {
    long[] v = {3, 1, 2};
    new Percentiles(v, 3);
    assertEquals(3, v[0]);
  }
}
