package io.wsproxy.examples.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many open, idle WebSocket connections. Each is proven to be relayed end to end with one 64 B
 * echo before it counts (an accept-first proxy answers 101 before its upstream is connected), so
 * the memory read afterwards includes both legs. Connections come from {@link
 * Loopback#idleSource}. Not thread-safe.
 */
final class IdleConnections implements AutoCloseable {

  private static final int OPENERS = 8;
  private static final byte[] PAYLOAD = new byte[64];

  private final List<BlockingWs> open = new ArrayList<>();

  /**
   * Opens {@code count} connections, {@value #OPENERS} at a time (opening 2,000 one by one through
   * a slow proxy would dominate the run); throws on the first that fails.
   */
  static IdleConnections open(int port, int count) throws IOException, InterruptedException {
    IdleConnections idle = new IdleConnections();
    ByteBuffer frame = WsWire.maskedFrame(WsWire.BINARY, PAYLOAD);
    ExecutorService openers = Executors.newFixedThreadPool(OPENERS);
    try {
      List<Future<BlockingWs>> opened = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        InetAddress source = Loopback.idleSource(i);
        opened.add(openers.submit(() -> {
          BlockingWs ws = BlockingWs.open(port, source);
          try {
            ws.echo(frame, PAYLOAD.length);
            return ws;
          } catch (IOException | RuntimeException e) {
            ws.close();
            throw e;
          }
        }));
      }
      IOException failure = null;
      for (Future<BlockingWs> f : opened) {
        try {
          idle.open.add(f.get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = new IOException("idle connection failed (" + opened.size() + " asked): "
                + e.getCause(), e.getCause());
          }
        }
      }
      if (failure != null) {
        idle.close();
        throw failure;
      }
      return idle;
    } finally {
      openers.shutdownNow();
    }
  }

  int size() {
    return open.size();
  }

  /** Closes every connection with the closing handshake; failures are counted, not thrown. */
  @Override
  public void close() {
    int failed = 0;
    for (BlockingWs ws : open) {
      try {
        ws.close();
      } catch (IOException e) {
        failed++;
      }
    }
    open.clear();
    if (failed > 0) {
      System.err.println("bench: " + failed + " idle connections did not close cleanly");
    }
  }
}
