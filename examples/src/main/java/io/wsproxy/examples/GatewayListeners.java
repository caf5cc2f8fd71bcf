package io.wsproxy.examples;

import io.wsproxy.HandshakeRequest;
import io.wsproxy.Rejection;
import io.wsproxy.gateway.AgentInfo;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.gateway.SessionInfo;

/**
 * Two {@link GatewayListener}s as one, as {@link io.wsproxy.ProxyListener#compose} does for the
 * proxy: each event goes to the first, then to the second even when the first threw.
 */
final class GatewayListeners implements GatewayListener {

  private final GatewayListener first;
  private final GatewayListener second;

  private GatewayListeners(GatewayListener first, GatewayListener second) {
    this.first = first;
    this.second = second;
  }

  static GatewayListener compose(GatewayListener first, GatewayListener second) {
    if (first == NONE) {
      return second;
    }
    return second == NONE ? first : new GatewayListeners(first, second);
  }

  @Override
  public void handshakeRejected(HandshakeRequest request, Rejection rejection) {
    try {
      first.handshakeRejected(request, rejection);
    } finally {
      second.handshakeRejected(request, rejection);
    }
  }

  @Override
  public void clientConnected(ClientInfo client) {
    try {
      first.clientConnected(client);
    } finally {
      second.clientConnected(client);
    }
  }

  @Override
  public void clientAuthenticated(ClientInfo client) {
    try {
      first.clientAuthenticated(client);
    } finally {
      second.clientAuthenticated(client);
    }
  }

  @Override
  public void clientDisconnected(ClientInfo client, int code, String reason) {
    try {
      first.clientDisconnected(client, code, reason);
    } finally {
      second.clientDisconnected(client, code, reason);
    }
  }

  @Override
  public void sessionCreated(SessionInfo session) {
    try {
      first.sessionCreated(session);
    } finally {
      second.sessionCreated(session);
    }
  }

  @Override
  public void sessionRemoved(String sessionId) {
    try {
      first.sessionRemoved(sessionId);
    } finally {
      second.sessionRemoved(sessionId);
    }
  }

  @Override
  public void agentChanged(AgentInfo agent) {
    try {
      first.agentChanged(agent);
    } finally {
      second.agentChanged(agent);
    }
  }
}
