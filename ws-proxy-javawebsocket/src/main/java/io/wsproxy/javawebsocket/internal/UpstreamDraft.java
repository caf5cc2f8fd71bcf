package io.wsproxy.javawebsocket.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;

/**
 * The client-side draft of one upstream connection: a {@link LimitedDraft} offering the requested
 * subprotocols, which also remembers why an upgrade failed. Java-WebSocket only reports a refused
 * upgrade as close code 1002 with a message; this draft records the upstream's HTTP status, or which
 * subprotocol the upstream did not agree to, in a {@link Refusal} shared by its copies.
 */
final class UpstreamDraft extends LimitedDraft {

  private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";
  /** Longest status line looked at when the upgrade is refused. */
  private static final int MAX_STATUS_LINE = 256;

  /** Why the upgrade failed; written by the connection's read thread, read after it closed. */
  static final class Refusal {
    volatile int httpStatus;
    volatile String reason;
  }

  private final List<String> offered;
  private final Refusal refusal;

  UpstreamDraft(List<String> offered, int maxFrameSize, Refusal refusal) {
    super(protocols(offered), maxFrameSize);
    this.offered = List.copyOf(offered);
    this.refusal = refusal;
  }

  private static List<IProtocol> protocols(List<String> offered) {
    List<IProtocol> out = new ArrayList<>();
    for (String p : offered) {
      out.add(new Protocol(p));
    }
    if (out.isEmpty()) {
      out.add(new Protocol("")); // offer none, accept an answer naming none
    }
    return out;
  }

  @Override
  public Draft copyInstance() {
    return new UpstreamDraft(offered, getMaxFrameSize(), refusal);
  }

  @Override
  public Handshakedata translateHandshake(ByteBuffer buf) throws InvalidHandshakeException {
    int start = buf.position();
    try {
      return super.translateHandshake(buf);
    } catch (InvalidHandshakeException e) {
      refusal.httpStatus = statusOf(buf.duplicate().position(start));
      refusal.reason = "upstream refused the upgrade: " + e.getMessage();
      throw e;
    }
  }

  @Override
  public HandshakeState acceptHandshakeAsClient(ClientHandshake request, ServerHandshake response)
      throws InvalidHandshakeException {
    String answered = response.getFieldValue(SUBPROTOCOL_HEADER);
    if (offered.isEmpty() && !answered.isEmpty()) {
      refusal.reason = "upstream chose subprotocol '" + answered + "', which was not offered";
      return HandshakeState.NOT_MATCHED;
    }
    HandshakeState state = super.acceptHandshakeAsClient(request, response);
    if (state != HandshakeState.MATCHED) {
      refusal.reason = !offered.isEmpty() && !offered.contains(answered)
          ? "upstream did not accept subprotocol " + offered
              + (answered.isEmpty() ? "" : " (it chose '" + answered + "')")
          : "upstream answered the upgrade with an invalid handshake";
    }
    return state;
  }

  /** The status code of an HTTP status line at {@code buf}'s position, or 0. */
  static int statusOf(ByteBuffer buf) {
    int n = Math.min(buf.remaining(), MAX_STATUS_LINE);
    byte[] head = new byte[n];
    buf.get(head);
    String line = new String(head, StandardCharsets.ISO_8859_1);
    int eol = line.indexOf('\r');
    if (eol >= 0) {
      line = line.substring(0, eol);
    }
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
      return 0;
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
