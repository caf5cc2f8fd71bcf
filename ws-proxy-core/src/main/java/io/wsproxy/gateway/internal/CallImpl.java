package io.wsproxy.gateway.internal;

import io.wsproxy.Principal;
import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.Cancellation;
import io.wsproxy.gateway.ClientInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link Call} handed to a handler, and its state until answered: exactly one reply (the
 * result, an error, or the cancellation's), whichever comes first. Thread-safe apart from
 * {@link #afterReply}, which the handler's own thread uses.
 */
final class CallImpl<P> implements Call<P> {

  private final Clients clients;
  private final Rooms rooms;
  final ClientState client;
  final Codec.Inbound request;
  private final P params;
  private final CancelSignal cancellation = new CancelSignal();
  private final AtomicBoolean answered = new AtomicBoolean();
  private final List<Runnable> afterReply = new ArrayList<>(0);
  // for GatewayListener.callCompleted: set by the dispatcher before the handler runs
  String metricName = Counters.UNKNOWN;
  long arrivedNanos = System.nanoTime();
  private volatile CompletableFuture<?> stage;

  CallImpl(Clients clients, Rooms rooms, ClientState client, Codec.Inbound request, P params) {
    this.clients = clients;
    this.rooms = rooms;
    this.client = client;
    this.request = request;
    this.params = params;
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public P params() {
    return params;
  }

  @Override
  public String sessionId() {
    return request.sessionId();
  }

  @Override
  public String clientId() {
    return client.id;
  }

  @Override
  public Principal principal() {
    return client.principal();
  }

  @Override
  public ClientInfo client() {
    return client.info(clients.now());
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }

  @Override
  public void push(String event, Object data) {
    clients.sendEvent(client, event, null, data);
  }

  @Override
  public int broadcast(String sessionId, String event, Object data) {
    return rooms.broadcast(sessionId, event, data, client.id);
  }

  @Override
  public void putMetadata(String key, String value) {
    client.putMetadata(key, value);
  }

  /** Claims the one reply; {@code false} if the call was already answered. */
  boolean claimReply() {
    return answered.compareAndSet(false, true);
  }

  /** The stage the handler answered with, cancelled with the call. */
  void answerLater(CompletionStage<?> later) {
    if (later instanceof CompletableFuture<?> f) {
      stage = f;
      if (cancellation.isCancelled()) {
        f.cancel(false);
      }
    }
  }

  /** Cancels the call (the handler sees it); answers whether it was still unanswered. */
  boolean cancel() {
    boolean unanswered = claimReply();
    cancellation.cancel();
    CompletableFuture<?> f = stage;
    if (f != null) {
      f.cancel(false); // the host's own future: tells it nobody waits any more
    }
    return unanswered;
  }

  /** Runs {@code action} once the reply to this call has been sent (for example, a close). */
  synchronized void afterReply(Runnable action) {
    afterReply.add(action);
  }

  synchronized List<Runnable> takeAfterReply() {
    List<Runnable> out = List.copyOf(afterReply);
    afterReply.clear();
    return out;
  }
}
