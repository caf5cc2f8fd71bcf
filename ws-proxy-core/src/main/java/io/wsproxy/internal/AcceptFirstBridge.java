package io.wsproxy.internal;

import io.wsproxy.HandshakeDecision;
import io.wsproxy.Rejection;
import io.wsproxy.spi.WsChannel;
import java.util.List;

/**
 * A {@link Bridge} in accept-first mode: the client is open before the upstream is dialled; its
 * early messages are held in the early buffer (or its reading paused, where its transport can) and
 * flushed in order once the upstream opens; an upstream that cannot be had closes the client with
 * the upstream-failure code (the route's, else the proxy's).
 *
 * <p><b>Threading.</b> As {@link Bridge}.
 */
final class AcceptFirstBridge extends Bridge {

  private AcceptFirstBridge(BridgeContext ctx, long id, HandshakeDecision.Accept accept,
      WsChannel client, Object affinity, Runnable onClosed) {
    super(ctx, id, accept, client, affinity, onClosed);
  }

  /** Dials now for the already open {@code client} and holds its messages meanwhile. */
  static AcceptFirstBridge start(BridgeContext ctx, long id, HandshakeDecision.Accept accept,
      WsChannel client, List<String> offer, Object affinity, Runnable onClosed) {
    AcceptFirstBridge b = new AcceptFirstBridge(ctx, id, accept, client, affinity, onClosed);
    if (client.canPauseReading()) {
      client.pauseReading(); // nothing to buffer: the client waits in its socket buffer
    }
    b.notifyListener(() -> ctx.listener().connectionOpened(b.info()));
    b.start(offer);
    b.accept = null; // dialled: nothing reads it again
    return b;
  }

  @Override
  void openedLocked(WsChannel ch) {
    flows();
    early.drainTo(m -> relay.flushToUpstream(ch, m));
    state = ends.client ? State.CLOSING : State.OPEN;
  }

  @Override
  void opened(WsChannel ch) {
    if (client.canPauseReading()) {
      client.resumeReading();
    }
    if (ends.client) {
      // a client that closed while we dialled: its close follows its messages
      Closes.mirrorToUpstream(ch, ends.clientCode, ends.clientReason);
      armWatchdog();
    }
  }

  @Override
  void failed(Rejection rejection, boolean clientOpen) {
    if (clientOpen) {
      Closes.close(client, upstreamFailureCloseCode, "Bad Gateway");
      armWatchdog();
    }
  }
}
