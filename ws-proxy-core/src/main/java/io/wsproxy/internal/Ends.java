package io.wsproxy.internal;

import io.wsproxy.CloseCodes;

/**
 * The close bookkeeping of one {@link Bridge}: whether each side has ended, with which code and
 * reason, the reason reported for the connection, and a close owed to a client that is not attached
 * yet. Not thread-safe: guarded by the bridge's lock (fields are read without it only once the
 * bridge is CLOSED and nothing writes them any more).
 */
final class Ends {

  boolean client;
  boolean upstream;
  int clientCode = CloseCodes.ABNORMAL;
  String clientReason = "";
  int upstreamCode = CloseCodes.ABNORMAL;
  String upstreamReason = "";
  String closeReason = "";
  private boolean pendingClientClose;
  int pendingClientCode;
  String pendingClientReason;

  void clientEnded(int code, String reason) {
    client = true;
    clientCode = code;
    clientReason = reason;
    reason(reason);
  }

  void upstreamEnded(int code, String reason) {
    upstream = true;
    upstreamCode = code;
    upstreamReason = reason;
    reason(reason);
  }

  /** Records the connection's close reason: the first one given wins. */
  void reason(String reason) {
    if (closeReason.isEmpty() && reason != null) {
      closeReason = reason;
    }
  }

  /** A close to send the client as soon as it is attached (connect-first, closed meanwhile). */
  void pendingClientClose(int code, String reason) {
    if (!pendingClientClose) {
      pendingClientClose = true;
      pendingClientCode = code;
      pendingClientReason = reason;
    }
  }

  boolean hasPendingClientClose() {
    return pendingClientClose;
  }
}
