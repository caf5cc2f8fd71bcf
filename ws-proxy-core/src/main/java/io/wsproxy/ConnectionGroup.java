package io.wsproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set of live connections that can be closed together: every connection of one sandbox session,
 * or every connection of a proxy at shutdown. Attach a group to a {@link Route} and each connection
 * opened on that route joins it until it closes.
 *
 * <p>Thread-safe. Once {@link #closeAll} has been called the group stays closed: a connection that
 * joins afterwards (its handshake raced the close) is closed at once with the same code.
 */
public final class ConnectionGroup {

  /** Something that can be closed with a code and a reason: a proxied connection. */
  @FunctionalInterface
  public interface Member {
    void close(int code, String reason);
  }

  private final Set<Member> members = ConcurrentHashMap.newKeySet();
  private volatile int closedCode;
  private volatile String closedReason;

  /** Adds a member; if the group is already closed the member is closed instead. */
  public void join(Member member) {
    members.add(member);
    if (closedReason != null && members.remove(member)) {
      member.close(closedCode, closedReason);
    }
  }

  /** Removes a member (it closed on its own). */
  public void leave(Member member) {
    members.remove(member);
  }

  /** Number of live members. */
  public int size() {
    return members.size();
  }

  /** Whether {@link #closeAll} has been called. */
  public boolean isClosed() {
    return closedReason != null;
  }

  /** Closes every member with {@code code} and {@code reason}, and every later joiner too. */
  public void closeAll(int code, String reason) {
    if (!CloseCodes.isSendable(code)) {
      throw new IllegalArgumentException("code cannot be sent on the wire: " + code);
    }
    closedCode = code;
    closedReason = reason == null ? "" : reason;
    List<Member> snapshot = new ArrayList<>(members);
    for (Member m : snapshot) {
      if (members.remove(m)) {
        m.close(code, closedReason);
      }
    }
  }
}
