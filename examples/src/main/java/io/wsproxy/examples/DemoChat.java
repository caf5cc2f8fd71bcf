package io.wsproxy.examples;

import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.Handler;
import java.util.Set;

/**
 * The chat of the {@code gateway} command: {@code chat.send} (envelope alias {@code chat_send})
 * with {@code {sessionId?, text}} sends the event {@code chat} with
 * {@code {sessionId, from, principal, text}} to every other member of the session, and answers
 * {@code {sessionId, delivered}}. The caller must be a member (join with {@code sessions.join}
 * first); without a {@code sessionId} its only session is used.
 *
 * <p>A small example of a typed gateway handler. Thread-safe and stateless: the gateway keeps the
 * sessions.
 */
final class DemoChat {

  /** The method clients call. */
  static final String METHOD = "chat.send";
  /** The same method under the envelope protocol's naming style. */
  static final String ENVELOPE_TYPE = "chat_send";
  /** The event the other members receive. */
  static final String EVENT = "chat";
  /** Longest chat text: 4,096 characters. */
  static final int MAX_TEXT_CHARS = 4096;

  /** Params of {@code chat.send}. */
  record Message(String sessionId, String text) {}

  /** The {@value #EVENT} event. */
  record ChatEvent(String sessionId, String from, String principal, String text) {}

  /** The result of {@code chat.send}: how many other members the text was sent to. */
  record Sent(String sessionId, int delivered) {}

  private DemoChat() {}

  /** Registers {@code chat.send} and its alias on {@code gateway}. */
  static void install(Gateway gateway) {
    Handler<Message> send = DemoChat::send;
    gateway.handle(METHOD, Message.class, send);
    gateway.handle(ENVELOPE_TYPE, Message.class, send);
  }

  private static Sent send(Call<Message> call) {
    String text = call.params().text();
    if (text == null || text.isEmpty() || text.length() > MAX_TEXT_CHARS) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "text must be a string of 1 to " + MAX_TEXT_CHARS + " characters");
    }
    String sessionId = session(call);
    ChatEvent event = new ChatEvent(sessionId, call.clientId(), call.principal().name(), text);
    return new Sent(sessionId, call.broadcast(sessionId, EVENT, event));
  }

  /** The session named by the call, or the caller's only session; the caller must be in it. */
  private static String session(Call<Message> call) {
    Set<String> mine = call.client().sessions();
    String named = call.params().sessionId() != null ? call.params().sessionId() : call.sessionId();
    if (named == null) {
      if (mine.size() != 1) {
        throw new GatewayException(ErrorCodes.INVALID_PARAMS,
            "sessionId is required: the client is in " + mine.size() + " sessions");
      }
      return mine.iterator().next();
    }
    if (!mine.contains(named)) {
      throw new GatewayException(ErrorCodes.FORBIDDEN,
          "Not a member of the session: call sessions.join first");
    }
    return named;
  }
}
