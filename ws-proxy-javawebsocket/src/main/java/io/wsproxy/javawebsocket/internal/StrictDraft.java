package io.wsproxy.javawebsocket.internal;

import io.wsproxy.javawebsocket.internal.workarounds.EmptyCloseFrame;
import io.wsproxy.javawebsocket.internal.workarounds.FragmentJoiner;
import io.wsproxy.javawebsocket.internal.workarounds.FrameChecks;
import io.wsproxy.javawebsocket.internal.workarounds.NoServerHeader;
import io.wsproxy.javawebsocket.internal.workarounds.PongFlood;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PongFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeBuilder;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 6455 as this module speaks it on Java-WebSocket 1.6.0: no extensions, finite frame and
 * message limits, and the workarounds that live in the draft (each in its own class in
 * {@code workarounds}): {@link FrameChecks} (masking, close reasons, separate frame and message
 * limits, protocol errors caught before Java-WebSocket logs them), {@link FragmentJoiner} (an
 * unfinished message costs its bytes, not a buffer per fragment), {@link PongFlood} (pings of a
 * peer that does not read go unanswered), {@link EmptyCloseFrame} and {@link NoServerHeader}.
 *
 * <p><b>Failing a connection.</b> A bad frame closes the connection with this module's code and
 * reason, logged once at DEBUG. Frames before it in the same read are still delivered: the checks
 * cut the buffer where the bad frame starts, and a marker frame after the good ones fails the
 * connection when its turn comes. Whatever Java-WebSocket's own decoding still throws (invalid UTF-8
 * in a text message) is caught here, so its {@code WebSocketImpl} never logs it as an ERROR.
 *
 * <p>Java-WebSocket copies a draft for every connection ({@link #copyInstance}); each copy is used by
 * one connection's decoding thread.
 */
public class StrictDraft extends Draft_6455 {

  private static final Logger log = LoggerFactory.getLogger(StrictDraft.class);

  private final int maxFrameSize;
  private final int maxMessageSize;
  private final boolean peerMasks;
  private final FrameChecks checks;
  private final FragmentJoiner joiner;
  /** Ends a list of good frames when a bad one followed them; identity matters, not content. */
  private final Framedata failureMarker = new PongFrame();
  /** What Java-WebSocket's own decoding threw, when it failed past the checks. */
  private FrameChecks.Violation pendingFailure;
  /** Payload length of the last frame decoded; touched only by the decoding thread. */
  private int lastPayloadLength = -1;

  /** A server-side draft: any offered subprotocol is acceptable here (the endpoint picks). */
  public StrictDraft(int maxFrameSize, int maxMessageSize) {
    this(List.of(new Protocol("")), maxFrameSize, maxMessageSize, true);
  }

  /**
   * @param peerMasks whether the peer must mask its frames (it is a client: this is a server draft)
   */
  protected StrictDraft(List<IProtocol> protocols, int maxFrameSize, int maxMessageSize,
      boolean peerMasks) {
    // Java-WebSocket's one limit gets the larger (message) limit; FrameChecks holds frames to theirs
    super(Collections.emptyList(), protocols, Math.max(maxFrameSize, maxMessageSize));
    this.maxFrameSize = maxFrameSize;
    this.maxMessageSize = maxMessageSize;
    this.peerMasks = peerMasks;
    this.checks = new FrameChecks(peerMasks, maxFrameSize, maxMessageSize);
    this.joiner = new FragmentJoiner(maxMessageSize);
  }

  @Override
  public Draft copyInstance() {
    return new StrictDraft(copyProtocols(), maxFrameSize, maxMessageSize, peerMasks);
  }

  /** The frame limit this draft enforces. */
  public int frameLimit() {
    return maxFrameSize;
  }

  /** The message limit this draft enforces. */
  public int messageLimit() {
    return maxMessageSize;
  }

  /** Fresh copies of this draft's protocols, for {@link #copyInstance}. */
  protected final List<IProtocol> copyProtocols() {
    List<IProtocol> copies = new ArrayList<>();
    for (IProtocol p : getKnownProtocols()) {
      copies.add(p.copyInstance());
    }
    return copies;
  }

  @Override
  public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
    int bad = checks.scan(buffer);
    ByteBuffer good = buffer;
    if (bad >= 0) {
      good = buffer.duplicate();
      good.limit(bad);
      buffer.position(buffer.limit()); // the rest is never decoded
    }
    List<Framedata> frames;
    try {
      frames = good.hasRemaining() ? super.translateFrame(good) : List.of();
    } catch (InvalidDataException e) {
      return failWith(new FrameChecks.Violation(e.getCloseCode(), reasonFor(e.getCloseCode()),
          String.valueOf(e.getMessage())));
    } catch (RuntimeException e) { // Java-WebSocket's own defects (a NullPointerException...)
      return failWith(new FrameChecks.Violation(CloseFrame.PROTOCOL_ERROR,
          FrameChecks.PROTOCOL_ERROR, e.toString()));
    }
    if (bad < 0) {
      return frames;
    }
    List<Framedata> out = new ArrayList<>(frames);
    out.add(failureMarker);
    return out;
  }

  private List<Framedata> failWith(FrameChecks.Violation v) {
    pendingFailure = v;
    return List.of(failureMarker);
  }

  @Override
  public int checkAlloc(int bytecount) throws InvalidDataException {
    lastPayloadLength = super.checkAlloc(bytecount);
    return lastPayloadLength;
  }

  @Override
  public void processFrame(WebSocketImpl ws, Framedata frame) throws InvalidDataException {
    if (frame == failureMarker) {
      fail(ws, pendingFailure != null ? pendingFailure : checks.violation());
      return;
    }
    if (frame.getOpcode() == Opcode.CLOSING && lastPayloadLength == 0 && EmptyCloseFrame.handle(ws)) {
      return;
    }
    if (frame.getOpcode() == Opcode.TEXT && !frame.isFin()
        && !FrameChecks.isUtf8Prefix(frame.getPayloadData())) {
      // fails fast; a first fragment whose last character is cut is fine (the joiner hands the
      // whole message on, which Java-WebSocket validates then), though Java-WebSocket's own check
      // of a first fragment, which the joiner keeps it from, would refuse it
      fail(ws, new FrameChecks.Violation(CloseFrame.NO_UTF8, FrameChecks.INVALID_UTF8,
          "first fragment is not UTF-8"));
      return;
    }
    if (frame.getOpcode() == Opcode.PING && !PongFlood.answer(ws)) {
      return; // the peer is not reading our pongs: they would queue without bound
    }
    if (isData(frame.getOpcode())) {
      frame = joiner.offer(frame);
      if (frame == null) {
        return; // a fragment, joined; the last one hands the whole message on
      }
    }
    if (frame.getOpcode() == Opcode.PONG && ws instanceof GuardedConnection gc
        && gc.channel() != null) {
      // the proxy's keepalive must see pongs whether or not the host forwards onWebsocketPong
      gc.channel().onControl(frame);
    }
    try {
      super.processFrame(ws, frame);
    } catch (InvalidDataException e) {
      fail(ws, new FrameChecks.Violation(e.getCloseCode(), reasonFor(e.getCloseCode()),
          String.valueOf(e.getMessage())));
    }
  }

  private static boolean isData(Opcode op) {
    return op == Opcode.TEXT || op == Opcode.BINARY || op == Opcode.CONTINUOUS;
  }

  private static void fail(WebSocketImpl ws, FrameChecks.Violation v) {
    log.debug("closing {} with {}: {}", ws.getRemoteSocketAddress(), v.code(), v.detail());
    JavaWebSocketChannel ch = ws instanceof GuardedConnection gc ? gc.channel()
        : ws.getWebSocketListener() instanceof UpstreamClient uc ? uc.channel() : null;
    if (ch != null) {
      ch.onCloseInitiated(); // whether or not the host forwards onCloseInitiated
    }
    if (ws.isOpen()) {
      ws.close(v.code(), v.reason());
      if (ch != null) {
        ch.failed(v.code(), v.reason()); // told now: the peer may never answer the close
      }
    }
  }

  private static String reasonFor(int code) {
    return switch (code) {
      case CloseFrame.NO_UTF8 -> FrameChecks.INVALID_UTF8;
      case CloseFrame.TOOBIG -> FrameChecks.MESSAGE_TOO_BIG;
      default -> FrameChecks.PROTOCOL_ERROR;
    };
  }

  @Override
  public HandshakeBuilder postProcessHandshakeResponseAsServer(ClientHandshake request,
      ServerHandshakeBuilder response) throws InvalidHandshakeException {
    return NoServerHeader.strip(super.postProcessHandshakeResponseAsServer(request, response));
  }
}
