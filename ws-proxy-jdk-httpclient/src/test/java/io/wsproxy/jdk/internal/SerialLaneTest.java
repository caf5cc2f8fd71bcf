package io.wsproxy.jdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialLaneTest {

  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
  }

  @Test
  void runsTasksFromManyThreadsOneAtATimeInEachThreadsOrder() throws Exception {
    SerialLane lane = new SerialLane(executor);
    int threads = 4;
    int perThread = 10_000;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<List<Integer>> seen = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      seen.add(new ArrayList<>()); // written only inside the lane
    }
    CountDownLatch done = new CountDownLatch(threads * perThread);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers.add(new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          int n = i;
          Runnable task = () -> {
            if (running.incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            seen.get(id).add(n);
            running.decrementAndGet();
            done.countDown();
          };
          if (n % 2 == 0) {
            lane.run(task);
          } else {
            lane.dispatch(task);
          }
        }
      }));
    }
    workers.forEach(Thread::start);
    for (Thread w : workers) {
      w.join(10_000);
    }

    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(0, overlaps.get());
    for (List<Integer> s : seen) {
      for (int i = 0; i < perThread; i++) {
        assertEquals(i, s.get(i));
      }
    }
  }

  @Test
  void runDrainsInTheCallersThreadWhenIdle() {
    SerialLane lane = new SerialLane(executor);
    List<Thread> ran = new ArrayList<>();

    lane.run(() -> ran.add(Thread.currentThread()));

    assertEquals(List.of(Thread.currentThread()), ran);
  }

  @Test
  void dispatchNeverRunsInTheCallersThread() throws Exception {
    SerialLane lane = new SerialLane(executor);
    CountDownLatch ran = new CountDownLatch(1);
    List<Thread> on = new CopyOnWriteArrayList<>();

    lane.dispatch(() -> {
      on.add(Thread.currentThread());
      ran.countDown();
    });

    assertTrue(ran.await(10, TimeUnit.SECONDS));
    assertNotSame(Thread.currentThread(), on.get(0));
  }

  @Test
  void runsATaskSubmittedFromInsideATaskAfterItReturns() {
    SerialLane lane = new SerialLane(executor);
    List<String> order = new ArrayList<>();

    lane.run(() -> {
      order.add("outer start");
      lane.run(() -> order.add("inner"));
      order.add("outer end");
    });

    assertEquals(List.of("outer start", "outer end", "inner"), order);
  }

  @Test
  void keepsRunningAfterATaskThrows() {
    SerialLane lane = new SerialLane(executor);
    List<String> order = new ArrayList<>();

    lane.run(() -> {
      throw new IllegalStateException("listener bug");
    });
    lane.run(() -> order.add("after"));

    assertEquals(List.of("after"), order);
  }

  @Test
  void drainsInTheCallersThreadWhenTheExecutorRefuses() {
    SerialLane lane = new SerialLane(task -> {
      throw new RejectedExecutionException("shut down");
    });
    List<Thread> ran = new ArrayList<>();

    lane.dispatch(() -> ran.add(Thread.currentThread()));

    assertSame(Thread.currentThread(), ran.get(0));
  }
}
