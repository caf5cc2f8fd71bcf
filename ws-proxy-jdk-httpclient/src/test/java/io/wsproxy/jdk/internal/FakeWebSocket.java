package io.wsproxy.jdk.internal;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WebSocket} that records sends and completes them when the test says so. Like the JDK, it
 * counts a send started while another is pending as a violation.
 */
final class FakeWebSocket implements WebSocket {

  final List<String> sent = Collections.synchronizedList(new ArrayList<>());
  /** The same sends, to wait for from another thread. */
  final BlockingQueue<String> sends = new LinkedBlockingQueue<>();
  final AtomicInteger overlaps = new AtomicInteger();
  final AtomicInteger requested = new AtomicInteger();
  volatile boolean completeAtOnce;
  volatile boolean aborted;

  private final Deque<CompletableFuture<WebSocket>> pending = new ArrayDeque<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Completes the oldest pending send normally. */
  void completeNext() {
    next().complete(this);
  }

  /** Completes the oldest pending send with {@code error}. */
  void failNext(Throwable error) {
    next().completeExceptionally(error);
  }

  synchronized int pendingCount() {
    return pending.size();
  }

  private CompletableFuture<WebSocket> next() {
    CompletableFuture<WebSocket> f;
    synchronized (this) {
      f = pending.poll();
    }
    if (f == null) {
      throw new AssertionError("no pending send");
    }
    inFlight.decrementAndGet();
    return f;
  }

  private CompletableFuture<WebSocket> send(String what) {
    sent.add(what);
    if (completeAtOnce) {
      sends.add(what);
      return CompletableFuture.completedFuture(this);
    }
    if (inFlight.incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    CompletableFuture<WebSocket> f = new CompletableFuture<>();
    synchronized (this) {
      pending.add(f);
    }
    sends.add(what); // after the future is pending: a test that sees the send may complete it
    return f;
  }

  @Override
  public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
    return send("text:" + data);
  }

  @Override
  public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
    return send("binary:" + data.remaining());
  }

  @Override
  public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
    return send("ping:" + StandardCharsets.UTF_8.decode(message));
  }

  @Override
  public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
    return send("pong:" + StandardCharsets.UTF_8.decode(message));
  }

  @Override
  public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
    return send("close:" + statusCode + ":" + reason);
  }

  @Override
  public void request(long n) {
    requested.addAndGet((int) n);
  }

  @Override
  public String getSubprotocol() {
    return "";
  }

  @Override
  public boolean isOutputClosed() {
    return false;
  }

  @Override
  public boolean isInputClosed() {
    return false;
  }

  @Override
  public void abort() {
    aborted = true;
  }
}
