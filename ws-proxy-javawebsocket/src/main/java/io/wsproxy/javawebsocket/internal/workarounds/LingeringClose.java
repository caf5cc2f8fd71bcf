package io.wsproxy.javawebsocket.internal.workarounds;

import io.wsproxy.javawebsocket.internal.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Works around Java-WebSocket 1.6.0 closing a server connection's socket as soon as its close frame
 * is written ({@code SocketChannelIOHelper.batch}, server role), whether or not the peer is still
 * sending. What the peer sends after that meets a closed socket, which the kernel answers with a
 * reset: the peer's next writes fail, and a client still sending (a message the proxy refused with
 * 1009, say) reports 1006 instead of the close frame waiting in its receive buffer (the JDK's
 * client does). Closing a plain socket through this instead ends its output (a TCP FIN after the
 * close frame) and goes on reading, and dropping, what the peer still sends until its end of stream
 * or for at most {@link #LINGER}, polling every {@link #POLL} on the adapter's timer and reading at
 * most {@link #BYTES_PER_POLL} a time; then it closes the socket. nginx's lingering close does the
 * same after an HTTP error. A socket in blocking mode, or one handed over once the timer or this
 * is shut down, is closed at once.
 *
 * <p><b>Threading.</b> {@link #close} from any thread (Java-WebSocket's selector, a handshake
 * worker); the polls run on the timer thread. Thread-safe.
 */
public final class LingeringClose {

  /** Longest a closed connection's socket goes on being read. */
  public static final Duration LINGER = Duration.ofSeconds(2);
  /** Time between two reads of a lingering socket. */
  static final Duration POLL = Duration.ofMillis(10);
  /** Most bytes one poll reads (and drops) from a lingering socket. */
  static final int BYTES_PER_POLL = 256 * 1024;
  /** Where what a lingering socket reads is dropped: one per thread that reads (the timer, a selector). */
  private static final ThreadLocal<ByteBuffer> SCRATCH =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(16 * 1024));

  private final Timer timer;
  private final Set<SocketChannel> lingering = ConcurrentHashMap.newKeySet();
  private volatile boolean shutdown;

  /** Lingering sockets are polled on {@code timer}. */
  public LingeringClose(Timer timer) {
    this.timer = Objects.requireNonNull(timer, "timer");
  }

  /** Ends {@code socket}'s output now and closes it once the peer ended too (or after {@link #LINGER}). */
  public void close(SocketChannel socket) throws IOException {
    if (shutdown || !socket.isOpen() || socket.isBlocking()) {
      socket.close();
      return;
    }
    try {
      socket.shutdownOutput();
    } catch (IOException e) { // not connected any more, or reset: nothing to linger for
      socket.close();
      return;
    }
    lingering.add(socket);
    if (shutdown) { // shut down meanwhile: shutdown() may have missed it
      closeNow(socket);
      return;
    }
    poll(socket, System.nanoTime() + LINGER.toNanos());
  }

  /** How many sockets linger now. */
  public int lingering() {
    return lingering.size();
  }

  /** Closes every lingering socket, and from now on each handed over at once. Idempotent. */
  public void shutdown() {
    shutdown = true;
    for (SocketChannel socket : lingering) {
      closeNow(socket);
    }
  }

  private void poll(SocketChannel socket, long deadline) {
    if (drained(socket) || shutdown || System.nanoTime() - deadline >= 0) {
      closeNow(socket);
      return;
    }
    Future<?> next = timer.schedule(POLL, () -> poll(socket, deadline));
    if (next == Timer.NOT_SCHEDULED) { // the timer is shut down: no more polls
      closeNow(socket);
    }
  }

  /** Reads what arrived, and drops it; whether the peer ended its stream (or the socket failed). */
  private static boolean drained(SocketChannel socket) {
    ByteBuffer scratch = SCRATCH.get();
    try {
      for (int total = 0; total < BYTES_PER_POLL; ) {
        int n = socket.read(scratch.clear());
        if (n < 0) {
          return true;
        }
        if (n == 0) {
          return false;
        }
        total += n;
      }
      return false;
    } catch (IOException e) { // reset, or closed meanwhile
      return true;
    }
  }

  private void closeNow(SocketChannel socket) {
    lingering.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket that failed: nothing left to do
    }
  }
}
