package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BridgeTimersTest {

  private static final long WAIT_S = 5;
  private static final Duration SOON = Duration.ofMillis(1);

  private final Scheduler scheduler = new Scheduler("timers-test");
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
      r -> new Thread(r, "timers-test-loop"));

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    loop.shutdownNow();
  }

  @Test
  void timersRunOnTheAffinityWhenItIsAScheduledExecutor() throws Exception {
    BridgeTimers timers = new BridgeTimers(scheduler, loop);
    CompletableFuture<String> connect = new CompletableFuture<>();
    CompletableFuture<String> watchdog = new CompletableFuture<>();
    CompletableFuture<String> idle = new CompletableFuture<>();
    timers.startConnect(SOON, () -> connect.complete(Thread.currentThread().getName()));
    timers.armWatchdog(SOON, () -> watchdog.complete(Thread.currentThread().getName()));
    timers.startChecks(Duration.ofMillis(4), () -> 0,
        () -> idle.complete(Thread.currentThread().getName()), Duration.ZERO, null, null);
    assertEquals("timers-test-loop", connect.get(WAIT_S, TimeUnit.SECONDS));
    assertEquals("timers-test-loop", watchdog.get(WAIT_S, TimeUnit.SECONDS));
    assertEquals("timers-test-loop", idle.get(WAIT_S, TimeUnit.SECONDS));
  }

  @Test
  void timersRunOnTheSchedulerWithoutAnExecutorAffinity() throws Exception {
    BridgeTimers timers = new BridgeTimers(scheduler, "not an executor");
    CompletableFuture<String> connect = new CompletableFuture<>();
    timers.startConnect(SOON, () -> connect.complete(Thread.currentThread().getName()));
    assertTrue(connect.get(WAIT_S, TimeUnit.SECONDS).startsWith("timers-test-"),
        "on the scheduler's thread");
    assertFalse(connect.get().equals("timers-test-loop"));
  }

  @Test
  void timersFallBackToTheSchedulerWhenTheAffinityHasShutDown() throws Exception {
    loop.shutdown();
    BridgeTimers timers = new BridgeTimers(scheduler, loop);
    CompletableFuture<String> watchdog = new CompletableFuture<>();
    timers.armWatchdog(SOON, () -> watchdog.complete(Thread.currentThread().getName()));
    String thread = watchdog.get(WAIT_S, TimeUnit.SECONDS);
    assertTrue(thread.startsWith("timers-test-") && !thread.equals("timers-test-loop"), thread);
  }

  @Test
  void cancelAllStopsTimersOnTheAffinity() throws Exception {
    BridgeTimers timers = new BridgeTimers(scheduler, loop);
    CountDownLatch ran = new CountDownLatch(1);
    timers.armWatchdog(Duration.ofMillis(200), ran::countDown);
    timers.cancelAll();
    CompletableFuture<Void> later = new CompletableFuture<>();
    loop.schedule(() -> later.complete(null), 400, TimeUnit.MILLISECONDS);
    later.get(WAIT_S, TimeUnit.SECONDS); // the loop ran past the watchdog's time
    assertEquals(1, ran.getCount(), "a cancelled watchdog must not run");
  }

  @Test
  void aTimerTaskThatThrowsDoesNotStopTheIdleChecks() throws Exception {
    BridgeTimers timers = new BridgeTimers(scheduler, loop);
    CountDownLatch checks = new CountDownLatch(4); // the first read is startIdle's own
    timers.startChecks(Duration.ofMillis(4), () -> {
      checks.countDown();
      if (checks.getCount() < 3) {
        throw new IllegalStateException("a failing activity read, for the test");
      }
      return 0;
    }, () -> { }, Duration.ZERO, null, null);
    assertTrue(checks.await(WAIT_S, TimeUnit.SECONDS), "periodic checks go on after a throw");
  }

  @Test
  void idleAndKeepaliveChecksShareOnePeriodicTaskAndEachKeepsItsOwnPeriod() throws Exception {
    CountingLoop counting = new CountingLoop();
    try {
      BridgeTimers timers = new BridgeTimers(scheduler, counting);
      AtomicLong idleAt = new AtomicLong();
      CountDownLatch idle = new CountDownLatch(1);
      CountDownLatch pinged = new CountDownLatch(2); // both legs
      List<Long> checks = new CopyOnWriteArrayList<>();
      long start = System.nanoTime();
      // idle 80 ms (checked every 20 ms), keepalive 40 ms (checked every 10 ms): ticks of 10 ms
      timers.startChecks(Duration.ofMillis(80), () -> {
        checks.add(System.nanoTime());
        return 0;
      }, () -> {
        idleAt.set(System.nanoTime());
        idle.countDown();
      }, Duration.ofMillis(40), quiet(pinged), quiet(pinged));
      assertTrue(idle.await(WAIT_S, TimeUnit.SECONDS), "the idle check fired");
      assertTrue(pinged.await(WAIT_S, TimeUnit.SECONDS), "both legs were pinged");
      assertEquals(1, counting.scheduled.get(), "one task for both checks");
      // the first read is startChecks' own; then one every other tick, and idle at the fourth
      assertEquals(5, checks.size(), "idle checked every 20 ms, not every tick: " + checks);
      assertTrue(idleAt.get() - start >= Duration.ofMillis(80).toNanos(), "not before the timeout");
    } finally {
      counting.shutdownNow();
    }
  }

  @Test
  void checkPeriodsWithASmallCommonDivisorGetATaskEach() throws Exception {
    CountingLoop counting = new CountingLoop();
    try {
      BridgeTimers timers = new BridgeTimers(scheduler, counting);
      CountDownLatch pinged = new CountDownLatch(2);
      // idle checked every 7 ms and keepalive every 10 ms: a shared task would tick every 1 ms
      timers.startChecks(Duration.ofMillis(28), () -> 0, () -> { }, Duration.ofMillis(40),
          quiet(pinged), quiet(pinged));
      assertTrue(pinged.await(WAIT_S, TimeUnit.SECONDS), "both legs were pinged");
      assertEquals(2, counting.scheduled.get(), "a task per check");
      timers.cancelAll();
    } finally {
      counting.shutdownNow();
    }
  }

  @Test
  void aThrowingIdleCheckDoesNotStopTheKeepaliveSharingItsTask() throws Exception {
    BridgeTimers timers = new BridgeTimers(scheduler, loop);
    CountDownLatch pinged = new CountDownLatch(2);
    AtomicInteger reads = new AtomicInteger();
    // both checked every 10 ms, on one task: the idle check throws from its first tick on, and the
    // legs are pinged at the fourth
    timers.startChecks(Duration.ofMillis(40), () -> {
      if (reads.incrementAndGet() > 1) { // the first read is startChecks' own
        throw new IllegalStateException("a failing activity read, for the test");
      }
      return 0;
    }, () -> { }, Duration.ofMillis(40), quiet(pinged), quiet(pinged));
    assertTrue(pinged.await(WAIT_S, TimeUnit.SECONDS), "the keepalive went on");
    timers.cancelAll();
  }

  /** A leg never heard from, whose first ping counts {@code pinged} down. */
  private static Keepalive quiet(CountDownLatch pinged) {
    AtomicBoolean once = new AtomicBoolean();
    return new Keepalive(() -> 0, new Keepalive.Leg() {
      @Override
      public void ping(java.nio.ByteBuffer payload) {
        if (once.compareAndSet(false, true)) {
          pinged.countDown();
        }
      }

      @Override
      public void frozen() { }
    });
  }

  /** A one-thread loop that counts the tasks scheduled on it. */
  static final class CountingLoop extends ScheduledThreadPoolExecutor {
    final AtomicInteger scheduled = new AtomicInteger();

    CountingLoop() {
      super(1, r -> new Thread(r, "timers-test-counting"));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      scheduled.incrementAndGet();
      return super.schedule(command, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay,
        long delay, TimeUnit unit) {
      scheduled.incrementAndGet();
      return super.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }
  }
}
