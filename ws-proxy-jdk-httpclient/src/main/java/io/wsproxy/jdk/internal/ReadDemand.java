package io.wsproxy.jdk.internal;

import java.net.http.WebSocket;
import java.util.function.Consumer;

/**
 * The read demand of one connection. The JDK reads the socket only while demand is outstanding, so
 * one {@code request(1)} after each part or message taken in, and none while paused, is how a
 * paused channel stops reading (the JDK then stops after at most one buffer). A request the pause
 * held back is made once on resume. While closing, reading goes on regardless of the pause: the
 * upstream's answering close frame must be read.
 *
 * <p><b>Threading.</b> Thread-safe; no call to the JDK is made holding the lock.
 */
final class ReadDemand {

  private final WebSocket ws;
  /** Runs a held-back request off the caller's thread: the JDK may deliver the next part inline. */
  private final Consumer<Runnable> offThread;

  private final Object lock = new Object();
  /** Guarded by lock: delivery paused by the caller. */
  private boolean paused;
  /** Guarded by lock: a request(1) held back by the pause. */
  private boolean owed;
  /** Guarded by lock: closing, so read on regardless of the pause. */
  private boolean draining;

  ReadDemand(WebSocket ws, Consumer<Runnable> offThread) {
    this.ws = ws;
    this.offThread = offThread;
  }

  /** The last part or message was taken in: ask for the next one, unless paused. */
  void next() {
    synchronized (lock) {
      if (paused && !draining) {
        owed = true;
        return;
      }
    }
    ws.request(1);
  }

  void pause() {
    synchronized (lock) {
      paused = true;
    }
  }

  /** Lifts the pause; answers whether it was paused. */
  boolean resume() {
    boolean wasPaused;
    synchronized (lock) {
      wasPaused = paused;
      paused = false;
    }
    releaseOwed();
    return wasPaused;
  }

  /** Closing: read on for good, whatever the pause. */
  void drain() {
    synchronized (lock) {
      draining = true;
    }
    releaseOwed();
  }

  boolean isPaused() {
    synchronized (lock) {
      return paused;
    }
  }

  private void releaseOwed() {
    boolean request;
    synchronized (lock) {
      request = owed;
      owed = false;
    }
    if (request) {
      offThread.accept(() -> ws.request(1));
    }
  }
}
