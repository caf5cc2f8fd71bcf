package io.wsproxy.javawebsocket.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 with a finite frame limit (Java-WebSocket's default is unbounded), no extensions, and a fix
 * for close frames without a code.
 *
 * <p>The limit applies to each frame and, because Java-WebSocket checks its fragment buffer against
 * the same number, to each joined message: larger ones close the sender with 1009.
 *
 * <p>Java-WebSocket 1.6.0 parses a close frame without a code (an empty payload, which RFC 6455
 * allows) as code 1000, so nobody could tell it from a real 1000. This draft notes the payload length
 * of the last frame it decoded (Java-WebSocket sizes every payload through {@link #checkAlloc} just
 * before building the frame) and reports such a close as 1005, answering it with an empty close
 * frame. The close frame is the last frame a peer sends, so the last length is its own; a peer that
 * sends frames after its close frame may get 1000 and 1005 mixed up, nothing worse.
 *
 * <p>Java-WebSocket copies a draft for every connection ({@link #copyInstance}); each copy is used by
 * one connection's threads only.
 */
public class LimitedDraft extends Draft_6455 {

  /** Payload length of the last frame decoded; touched only by the connection's decoding thread. */
  private int lastPayloadLength = -1;

  /** A server-side draft: any offered subprotocol is acceptable to Java-WebSocket (the endpoint picks). */
  public LimitedDraft(int maxFrameSize) {
    this(List.of(new Protocol("")), maxFrameSize);
  }

  protected LimitedDraft(List<IProtocol> protocols, int maxFrameSize) {
    super(Collections.emptyList(), protocols, maxFrameSize);
  }

  @Override
  public Draft copyInstance() {
    return new LimitedDraft(copyProtocols(), getMaxFrameSize());
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
  public int checkAlloc(int bytecount) throws InvalidDataException {
    lastPayloadLength = super.checkAlloc(bytecount);
    return lastPayloadLength;
  }

  @Override
  public void processFrame(WebSocketImpl ws, Framedata frame) throws InvalidDataException {
    if (frame.getOpcode() == Opcode.CLOSING && lastPayloadLength == 0) {
      if (ws.getReadyState() == ReadyState.CLOSING) {
        ws.closeConnection(CloseFrame.NOCODE, "", true); // the answer to our close
        return;
      }
      if (ws.isOpen() && !ws.isFlushAndClose()) {
        CloseFrame answer = new CloseFrame();
        answer.setCode(CloseFrame.NOCODE); // an empty payload on the wire
        try {
          ws.sendFrame(answer);
        } catch (WebsocketNotConnectedException e) {
          // closed meanwhile; flushAndClose below still ends it
        }
        ws.flushAndClose(CloseFrame.NOCODE, "", true);
        return;
      }
    }
    super.processFrame(ws, frame);
  }
}
