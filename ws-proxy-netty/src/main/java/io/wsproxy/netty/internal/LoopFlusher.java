package io.wsproxy.netty.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * One deferred flush per event loop, not one per connection: the connections a loop wrote to
 * during its current batch of reads are flushed by a single task after it. A relay of 16 busy
 * connections otherwise queued and ran up to 32 flush tasks per batch through the loop's task
 * queue. A connection written to again while due is listed once ({@link NettyWsChannel} keeps the
 * flag); one that a flush makes write again (a drained sender resuming) is flushed in the same
 * run.
 *
 * <p><b>Threading.</b> One per event-loop thread, used only on it.
 */
final class LoopFlusher implements Runnable {

  private static final FastThreadLocal<LoopFlusher> LOCAL = new FastThreadLocal<>() {
    @Override
    protected LoopFlusher initialValue() {
      return new LoopFlusher();
    }
  };

  private final ArrayList<NettyWsChannel> due = new ArrayList<>();

  private LoopFlusher() {}

  /** Flushes {@code ws} after the current batch of {@code loop}, which the caller is running on. */
  static void schedule(EventLoop loop, NettyWsChannel ws) {
    LoopFlusher f = LOCAL.get();
    if (f.due.isEmpty()) {
      loop.execute(f);
    }
    f.due.add(ws);
  }

  @Override
  public void run() {
    try {
      for (int i = 0; i < due.size(); i++) { // grows when a flush makes another channel write
        due.get(i).flushNow();
      }
    } finally {
      due.clear();
    }
  }
}
