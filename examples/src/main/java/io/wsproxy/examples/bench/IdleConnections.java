package io.wsproxy.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many open, idle WebSocket connections. Each is proven to be relayed end to end with one 64 B
 * echo before it counts (an accept-first proxy answers 101 before its upstream is connected), so
 * the memory read afterwards includes both legs. Connections come from {@link
 * Loopback#idleSource}. Every step over all of them (open, echo, close) runs {@value #WORKERS} at a
 * time: one by one through a slow proxy, 10,000 would dominate the run. Not thread-safe.
 */
final class IdleConnections implements AutoCloseable {

  private static final int WORKERS = 8;
  private static final int BATCH = 500;
  private static final byte[] PAYLOAD = new byte[64];
  private static final ByteBuffer FRAME = WsWire.maskedFrame(WsWire.BINARY, PAYLOAD);

  private final int port;
  private final List<BlockingWs> open = new ArrayList<>();
  private String firstFailure;

  private IdleConnections(int port) {
    this.port = port;
  }

  /** Opens {@code count} connections; throws on the first that fails (closing the others). */
  static IdleConnections open(int port, int count) throws IOException, InterruptedException {
    IdleConnections idle = new IdleConnections(port);
    int failed = idle.openMore(count);
    if (failed > 0) {
      idle.close();
      throw new IOException("idle connection failed (" + count + " asked, " + failed
          + " failed): " + idle.firstFailure);
    }
    return idle;
  }

  /** Opens what it can of {@code count} connections; {@link #size} says how many. */
  static IdleConnections attempt(int port, int count) throws InterruptedException {
    IdleConnections idle = new IdleConnections(port);
    idle.openMore(count);
    return idle;
  }

  /**
   * Opens {@code count} more, in batches of {@value #BATCH}; between batches every open connection
   * answers the pings that came meanwhile (see {@link BlockingWs#answerPings}), so that on a slow
   * machine, where 10,000 take minutes to open, the first are not cut by a keepalive.
   */
  private int openMore(int count) throws InterruptedException {
    int failed = 0;
    for (int from = 0; from < count; from += BATCH) {
      List<Callable<BlockingWs>> tasks = new ArrayList<>(BATCH);
      for (int i = from; i < Math.min(count, from + BATCH); i++) {
        int n = i;
        tasks.add(() -> echoOrAbort(BlockingWs.open(port, Loopback.idleSource(n))));
      }
      for (BlockingWs ws : inParallel(tasks)) {
        if (ws == null) {
          failed++;
        } else {
          open.add(ws);
        }
      }
      for (BlockingWs ws : open) {
        try {
          ws.answerPings();
        } catch (IOException e) {
          // it ended: the echo on every connection finds and counts it
        }
      }
    }
    return failed;
  }

  int size() {
    return open.size();
  }

  /** The first failure of any step, or null. */
  String firstFailure() {
    return firstFailure;
  }

  /**
   * One more 64 B echo on every connection; those that fail are dropped (without a closing
   * handshake) and counted. Pings that arrived while a connection was idle are answered on the way.
   */
  int echoEach() throws InterruptedException {
    List<Callable<BlockingWs>> tasks = new ArrayList<>(open.size());
    for (BlockingWs ws : open) {
      tasks.add(() -> echoOrAbort(ws));
    }
    List<BlockingWs> echoed = inParallel(tasks);
    int before = open.size();
    open.clear();
    echoed.stream().filter(ws -> ws != null).forEach(open::add);
    return before - open.size();
  }

  /** One 64 B echo on {@code ws}; a connection that fails it is dropped and the failure thrown. */
  private static BlockingWs echoOrAbort(BlockingWs ws) throws IOException {
    try {
      ws.echo(FRAME, PAYLOAD.length);
      return ws;
    } catch (IOException | RuntimeException e) {
      ws.abort();
      throw e;
    }
  }

  /** Closes every connection with the closing handshake; answers how many did not close cleanly. */
  int closeAll() throws InterruptedException {
    List<Callable<BlockingWs>> tasks = new ArrayList<>(open.size());
    for (BlockingWs ws : open) {
      tasks.add(() -> {
        ws.close();
        return ws;
      });
    }
    open.clear();
    return (int) inParallel(tasks).stream().filter(ws -> ws == null).count();
  }

  /** {@link #closeAll}; failures are printed, not thrown. */
  @Override
  public void close() {
    try {
      int failed = closeAll();
      if (failed > 0) {
        System.err.println("bench: " + failed + " idle connections did not close cleanly");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs the tasks {@value #WORKERS} at a time; the results in order, null for each that failed
   * (the first failure is kept for {@link #firstFailure}).
   */
  private <T> List<T> inParallel(List<Callable<T>> tasks) throws InterruptedException {
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<T>> futures = new ArrayList<>(tasks.size());
      for (Callable<T> t : tasks) {
        futures.add(workers.submit(t));
      }
      List<T> results = new ArrayList<>(tasks.size());
      for (Future<T> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          if (firstFailure == null) {
            firstFailure = e.getCause().toString();
          }
          results.add(null);
        }
      }
      return results;
    } finally {
      workers.shutdownNow();
    }
  }
}
