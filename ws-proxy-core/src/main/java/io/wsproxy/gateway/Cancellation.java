package io.wsproxy.gateway;

/**
 * Whether the caller of a gateway call (or of an agent run or tool invocation) still wants the
 * answer: it is cancelled when the client sends {@code cancel} for the request, calls
 * {@code agent.cancel} for a run, or disconnects, and when the gateway closes.
 *
 * <p><b>Threading.</b> Thread-safe. {@link #onCancel} actions run once, on the thread that cancels
 * (a transport thread or the gateway's timer thread), never under a gateway lock; they must be
 * short and must not block.
 */
public interface Cancellation {

  /** Whether the call was cancelled. */
  boolean isCancelled();

  /**
   * Runs {@code action} once when the call is cancelled, or at once (on this thread) if it already
   * was. An exception it throws is logged and ignored.
   */
  void onCancel(Runnable action);
}
