package io.wsproxy.gateway.internal;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.ProxyListener;
import io.wsproxy.Rejection;
import io.wsproxy.gateway.AgentInfo;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.gateway.SessionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the host's {@link GatewayListener}, logging and swallowing what it throws, so a faulty
 * listener never breaks a client. Also serves as the handshake pipeline's {@link ProxyListener}.
 */
final class SafeListener implements GatewayListener, ProxyListener {

  private static final Logger log = LoggerFactory.getLogger(SafeListener.class);

  private final GatewayListener delegate;

  SafeListener(GatewayListener delegate) {
    this.delegate = delegate;
  }

  @Override
  public void handshakeRejected(HandshakeRequest request, Rejection rejection) {
    run("handshakeRejected", () -> delegate.handshakeRejected(request, rejection));
  }

  @Override
  public void clientConnected(ClientInfo client) {
    run("clientConnected", () -> delegate.clientConnected(client));
  }

  @Override
  public void clientAuthenticated(ClientInfo client) {
    run("clientAuthenticated", () -> delegate.clientAuthenticated(client));
  }

  @Override
  public void clientDisconnected(ClientInfo client, int code, String reason) {
    run("clientDisconnected", () -> delegate.clientDisconnected(client, code, reason));
  }

  @Override
  public void sessionCreated(SessionInfo session) {
    run("sessionCreated", () -> delegate.sessionCreated(session));
  }

  @Override
  public void sessionRemoved(String sessionId) {
    run("sessionRemoved", () -> delegate.sessionRemoved(sessionId));
  }

  @Override
  public void agentChanged(AgentInfo agent) {
    run("agentChanged", () -> delegate.agentChanged(agent));
  }

  @Override
  public void callCompleted(String method, String outcome, int errorCode,
      java.time.Duration duration) {
    run("callCompleted", () -> delegate.callCompleted(method, outcome, errorCode, duration));
  }

  private static void run(String event, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("GatewayListener.{} threw", event, e);
    }
  }
}
