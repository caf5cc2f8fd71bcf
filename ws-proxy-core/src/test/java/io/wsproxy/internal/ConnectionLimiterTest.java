package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.CloseCodes;
import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

  private static Rejection refused(ConnectionLimiter.Admission a) {
    return assertInstanceOf(ConnectionLimiter.Refused.class, a).rejection();
  }

  @Test
  void refusesAnAddressOverItsCapWith429AndADistinctReason() {
    ConnectionLimiter limiter = new ConnectionLimiter(10, 2);
    assertInstanceOf(ConnectionLimiter.Permit.class, limiter.tryAcquire("1.1.1.1"));
    assertInstanceOf(ConnectionLimiter.Permit.class, limiter.tryAcquire("1.1.1.1"));
    Rejection r = refused(limiter.tryAcquire("1.1.1.1"));
    assertEquals(429, r.httpStatus());
    assertEquals(CloseCodes.TOO_MANY_REQUESTS, r.closeCode());
    assertEquals(ConnectionLimiter.TOO_MANY_FROM_ADDRESS, r.reason());
    assertEquals(r, limiter.check("1.1.1.1"));
    assertNull(limiter.check("2.2.2.2"));
    assertInstanceOf(ConnectionLimiter.Permit.class, limiter.tryAcquire("2.2.2.2"));
  }

  @Test
  void refusesEveryoneWhenFullWithTheGlobalReason() {
    ConnectionLimiter limiter = new ConnectionLimiter(2, 5);
    limiter.tryAcquire("1.1.1.1");
    limiter.tryAcquire("2.2.2.2");
    Rejection r = refused(limiter.tryAcquire("3.3.3.3"));
    assertEquals(ConnectionLimiter.TOO_MANY_CONNECTIONS, r.reason());
    assertEquals(429, r.httpStatus());
    assertEquals(r, limiter.check("3.3.3.3"));
    assertEquals(0, limiter.openConnections("3.3.3.3"), "a refused acquire leaves nothing behind");
    assertEquals(2, limiter.trackedAddresses());
  }

  @Test
  void releasingFreesTheSlotOnceAndForgetsIdleAddresses() {
    ConnectionLimiter limiter = new ConnectionLimiter(1, 1);
    ConnectionLimiter.Permit p = (ConnectionLimiter.Permit) limiter.tryAcquire("1.1.1.1");
    refused(limiter.tryAcquire("2.2.2.2"));
    p.release();
    p.release();
    p.close();
    assertEquals(0, limiter.openConnections());
    assertEquals(0, limiter.trackedAddresses());
    assertInstanceOf(ConnectionLimiter.Permit.class, limiter.tryAcquire("2.2.2.2"));
    assertEquals(1, limiter.openConnections());
  }

  @Test
  void checkDoesNotReserve() {
    ConnectionLimiter limiter = new ConnectionLimiter(1, 1);
    for (int i = 0; i < 5; i++) {
      assertNull(limiter.check("1.1.1.1"));
    }
    assertEquals(0, limiter.openConnections());
  }

  @Test
  void neverAdmitsMoreThanTheCapsUnderContentionAndLeavesNoEntries() throws Exception {
    int threads = 8;
    ConnectionLimiter limiter = new ConnectionLimiter(50, 10);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger maxSeen = new AtomicInteger();
      ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 2_000; i++) {
            String address = "10.0.0." + ((id + i) % 7);
            if (limiter.tryAcquire(address) instanceof ConnectionLimiter.Permit p) {
              maxSeen.accumulateAndGet(limiter.openConnections(), Math::max);
              if (limiter.openConnections(address) > 10) {
                violations.add(address);
              }
              p.release();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertTrue(violations.isEmpty(), violations.toString());
      assertTrue(maxSeen.get() <= 50, "max " + maxSeen.get());
      assertEquals(0, limiter.openConnections());
      assertEquals(0, limiter.trackedAddresses());
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void takesItsCapsFromLimitsAndValidatesThem() {
    ConnectionLimiter limiter = ConnectionLimiter.of(Limits.builder().maxConnections(3)
        .maxConnectionsPerAddress(1).build());
    limiter.tryAcquire("a");
    refused(limiter.tryAcquire("a"));
    assertThrows(IllegalArgumentException.class, () -> new ConnectionLimiter(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ConnectionLimiter(1, -1));
    assertThrows(NullPointerException.class, () -> limiter.tryAcquire(null));
  }

  @Test
  void aPerAddressCapOfZeroMeansNoneSoOneAddressCanHoldManyConnections() {
    ConnectionLimiter limiter = new ConnectionLimiter(2000, 0);
    for (int i = 0; i < 1000; i++) {
      assertInstanceOf(ConnectionLimiter.Permit.class, limiter.tryAcquire("10.0.0.1"));
    }
    assertEquals(1000, limiter.openConnections("10.0.0.1"));
  }
}
