package io.wsproxy.gateway.internal;

import io.wsproxy.Principal;
import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.Gateway;
import java.util.ArrayList;
import java.util.List;

/** The {@link Call} handed to a handler. Thread-safe apart from {@link #afterReply}, which the handler's own thread uses. */
final class CallImpl<P> implements Call<P> {

  private final GatewayCore core;
  final ClientState client;
  final Codec.Inbound request;
  private final P params;
  private final List<Runnable> afterReply = new ArrayList<>(0);

  CallImpl(GatewayCore core, ClientState client, Codec.Inbound request, P params) {
    this.core = core;
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
    return client.info(core.now());
  }

  @Override
  public Gateway gateway() {
    return core.owner();
  }

  @Override
  public void push(String event, Object data) {
    core.sendEvent(client, event, null, data);
  }

  @Override
  public int broadcast(String sessionId, String event, Object data) {
    return core.broadcast(sessionId, event, data, client.id);
  }

  @Override
  public void putMetadata(String key, String value) {
    client.putMetadata(key, value);
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
