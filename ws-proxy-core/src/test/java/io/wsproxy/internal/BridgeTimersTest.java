package io.wsproxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    timers.startIdle(Duration.ofMillis(4), () -> 0,
        () -> idle.complete(Thread.currentThread().getName()));
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
    timers.startIdle(Duration.ofMillis(4), () -> {
      checks.countDown();
      if (checks.getCount() < 3) {
        throw new IllegalStateException("a failing activity read, for the test");
      }
      return 0;
    }, () -> { });
    assertTrue(checks.await(WAIT_S, TimeUnit.SECONDS), "periodic checks go on after a throw");
  }
}
