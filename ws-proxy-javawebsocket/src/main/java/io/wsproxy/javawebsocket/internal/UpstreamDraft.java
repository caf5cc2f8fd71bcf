package io.wsproxy.javawebsocket.internal;

import io.wsproxy.spi.UpstreamConnectException;
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
 * The client-side draft of one upstream connection: a {@link StrictDraft} (the upstream's frames
 * must be unmasked) offering the requested subprotocols, which also records why an upgrade failed.
 * Java-WebSocket only reports a failed upgrade as close code 1002 with a message; this draft records
 * the upstream's HTTP status ({@link UpstreamConnectException.Kind#REFUSED}) or what was wrong with
 * its 101 ({@link UpstreamConnectException.Kind#INVALID_HANDSHAKE}: a wrong accept key, missing
 * upgrade headers, a subprotocol that was not offered, any extension, since none is offered) in a
 * {@link Refusal} shared by its copies.
 */
final class UpstreamDraft extends StrictDraft {

  private static final String SUBPROTOCOL_HEADER = "Sec-WebSocket-Protocol";
  private static final String EXTENSIONS_HEADER = "Sec-WebSocket-Extensions";
  /** Longest status line looked at when the upgrade is refused. */
  private static final int MAX_STATUS_LINE = 256;

  /** Why the upgrade failed; written by the connection's read thread, read after it closed. */
  static final class Refusal {
    volatile UpstreamConnectException.Kind kind;
    volatile int httpStatus;
    volatile String reason;
  }

  private final List<String> offered;
  private final Refusal refusal;

  UpstreamDraft(List<String> offered, int maxFrameSize, int maxMessageSize, Refusal refusal) {
    super(protocols(offered), maxFrameSize, maxMessageSize, false);
    this.offered = List.copyOf(offered);
    this.refusal = refusal;
  }

  private static List<IProtocol> protocols(List<String> offered) {
    List<IProtocol> out = new ArrayList<>();
    for (String p : offered) {
      out.add(new Protocol(p));
    }
    // never offered (Java-WebSocket offers only non-empty ones), it accepts an answer naming none,
    // which RFC 6455 allows whatever the offer; an answer naming one not offered is refused above
    out.add(new Protocol(""));
    return out;
  }

  @Override
  public Draft copyInstance() {
    return new UpstreamDraft(offered, frameLimit(), messageLimit(), refusal);
  }

  @Override
  public Handshakedata translateHandshake(ByteBuffer buf) throws InvalidHandshakeException {
    int start = buf.position();
    try {
      return super.translateHandshake(buf);
    } catch (InvalidHandshakeException e) {
      int status = statusOf(buf.duplicate().position(start));
      if (status >= 100 && status <= 599 && status != 101) {
        refused(UpstreamConnectException.Kind.REFUSED, status,
            "upstream answered the upgrade with " + status);
      } else {
        refused(UpstreamConnectException.Kind.INVALID_HANDSHAKE, 0,
            "upstream answered the upgrade with an invalid response: " + e.getMessage());
      }
      throw e;
    }
  }

  @Override
  public HandshakeState acceptHandshakeAsClient(ClientHandshake request, ServerHandshake response)
      throws InvalidHandshakeException {
    String answered = response.getFieldValue(SUBPROTOCOL_HEADER);
    if (!answered.isEmpty() && !offered.contains(answered)) {
      return invalid("upstream chose subprotocol '" + answered + "', which was not offered");
    }
    if (!response.getFieldValue(EXTENSIONS_HEADER).isEmpty()) {
      return invalid("upstream chose extension '" + response.getFieldValue(EXTENSIONS_HEADER)
          + "', which was not offered");
    }
    HandshakeState state = super.acceptHandshakeAsClient(request, response);
    if (state != HandshakeState.MATCHED) {
      return invalid("upstream answered the upgrade with an invalid 101 "
          + "(Sec-WebSocket-Accept, Upgrade or Connection)");
    }
    return state;
  }

  private HandshakeState invalid(String reason) {
    refused(UpstreamConnectException.Kind.INVALID_HANDSHAKE, 0, reason);
    return HandshakeState.NOT_MATCHED;
  }

  private void refused(UpstreamConnectException.Kind kind, int status, String reason) {
    refusal.httpStatus = status;
    refusal.reason = reason;
    refusal.kind = kind; // last: the reader checks it first
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
