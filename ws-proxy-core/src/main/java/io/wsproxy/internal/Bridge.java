package io.wsproxy.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.WsChannel;
import io.wsproxy.WsListener;

/** Placeholder while the bridge is written; replaced in the next commit. */
public final class Bridge {
  public Bridge(BridgeContext ctx, long id, WsChannel client, HandshakeDecision.Accept accept) {}

  public void start() {
    throw new UnsupportedOperationException("bridge not written yet");
  }

  public WsListener clientListener() {
    throw new UnsupportedOperationException("bridge not written yet");
  }
}
