package io.wsproxy.javawebsocket.internal.workarounds;

import io.wsproxy.javawebsocket.internal.Timer;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around <b>Java-WebSocket 1.6.0 closing its listening socket for good when an accept fails</b>:
 * when the process is out of file descriptors ({@code EMFILE}, "Too many open files"), its selector
 * loop catches the accept's {@code IOException} and closes the server channel, so the server stops
 * listening (new clients get ECONNREFUSED even after the descriptors drain), logs nothing and keeps
 * running. Its {@code onConnect} hook, called before each accept, is the only place to step in: this
 * probes for a free descriptor there, and when there is none it answers {@code false}, on which
 * Java-WebSocket cancels the listening socket's key instead of accepting. The socket itself stays
 * open (connections wait in its backlog), and it is registered for accepts again after
 * {@link #PAUSE}, so the server serves again within a pause of descriptors freeing up.
 *
 * <p>Logs one WARN per episode (from the first refused accept to the next accepted one, which logs
 * one INFO line with the number of pauses), never a stack trace.
 *
 * <p><b>Threading.</b> {@link #mayAccept} runs on the selector thread; re-registration on this
 * object's timer thread, which starts only when descriptors first run out. {@link #close} stops it.
 */
public final class AcceptExhaustion implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AcceptExhaustion.class);

  /** How long accepting pauses when no descriptor is free. */
  public static final Duration PAUSE = Duration.ofMillis(200);
  /** How soon registration is retried while the cancelled key is still registered. */
  static final Duration RETRY = Duration.ofMillis(10);

  private final Timer timer = new Timer("ws-proxy-jws-accept");
  private final AtomicBoolean exhausted = new AtomicBoolean();
  private final AtomicLong pauses = new AtomicLong();

  /**
   * Selector thread, from the server's {@code onConnect}: whether a descriptor is free for the
   * accept Java-WebSocket is about to make. When none is, schedules the listening socket's
   * re-registration and answers {@code false}.
   */
  public boolean mayAccept(SelectionKey listeningKey) {
    if (descriptorFree()) {
      if (exhausted.compareAndSet(true, false)) {
        log.info("file descriptors free again; accepting connections (paused {} times)",
            pauses.getAndSet(0));
      }
      return true;
    }
    if (exhausted.compareAndSet(false, true)) {
      log.warn("no file descriptor free to accept a connection (ulimit -n reached); pausing accepts"
          + " for {} ms at a time until one frees up; open connections are not affected",
          PAUSE.toMillis());
    }
    pauses.incrementAndGet();
    ServerSocketChannel channel = (ServerSocketChannel) listeningKey.channel();
    Selector selector = listeningKey.selector();
    timer.schedule(PAUSE, () -> register(channel, selector));
    return false;
  }

  /** Timer: registers the listening socket for accepts again, once its old key is gone. */
  private void register(ServerSocketChannel channel, Selector selector) {
    if (!channel.isOpen() || !selector.isOpen()) {
      return; // the server stopped meanwhile
    }
    try {
      channel.register(selector, SelectionKey.OP_ACCEPT);
      selector.wakeup(); // the selector may be waiting without this key
    } catch (CancelledKeyException e) {
      selector.wakeup(); // the cancelled key leaves at the selector's next select
      timer.schedule(RETRY, () -> register(channel, selector));
    } catch (ClosedChannelException | ClosedSelectorException e) {
      // stopped meanwhile
    }
  }

  /** Whether the process can open one more descriptor right now (a socket: what accept needs). */
  private static boolean descriptorFree() {
    try (SocketChannel probe = SocketChannel.open()) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
