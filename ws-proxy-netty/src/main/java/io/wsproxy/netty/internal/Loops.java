package io.wsproxy.netty.internal;

import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands work to a channel's event loop from another thread. A loop that is shutting down refuses
 * it; its channels are being closed anyway, so the work (a close, a resume) has nothing left to do.
 *
 * <p><b>Threading.</b> Stateless; thread-safe.
 */
final class Loops {

  private Loops() {}

  /** Runs {@code task} on {@code loop}: at once when already there, else queued. */
  static boolean run(EventLoop loop, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return true;
    }
    return execute(loop, task);
  }

  /** Queues {@code task} on {@code loop}; false when the loop has shut down. */
  static boolean execute(EventLoop loop, Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }
}
