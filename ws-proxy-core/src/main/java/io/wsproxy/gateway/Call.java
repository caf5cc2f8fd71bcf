package io.wsproxy.gateway;

import io.wsproxy.Principal;

/**
 * One request a {@link Handler} is answering, and what it may do for its client.
 *
 * <p><b>Threading.</b> Every method is thread-safe and non-blocking, so a handler may keep the call
 * and push events from another thread after it returned (sends after the client left are ignored).
 *
 * @param <P> the params type
 */
public interface Call<P> {

  /** The method (JSON-RPC) or message type (envelope) being answered. */
  String method();

  /** The params, converted to the handler's params type; absent params arrive as {@code {}}. */
  P params();

  /**
   * The session the request is about: the envelope's {@code sessionId} field, or in JSON-RPC the
   * params' {@code sessionId} member when it is a string; {@code null} if neither is present.
   */
  String sessionId();

  /** The id of the calling client. */
  String clientId();

  /** Who the calling client is. */
  Principal principal();

  /** A snapshot of the calling client. */
  ClientInfo client();

  /**
   * Whether the caller still wants the answer: cancelled when the client sends
   * {@code cancel {id}} for this request, disconnects, or the gateway closes. A handler that
   * answers later should stop its work then; a {@link java.util.concurrent.CompletableFuture} it
   * returned is also cancelled. (A handler that needs the gateway captures it when registering.)
   */
  Cancellation cancellation();

  /** Sends the server event {@code event} with {@code data} to the calling client only. */
  void push(String event, Object data);

  /**
   * Sends the server event {@code event} with {@code data} to every member of {@code sessionId}
   * except the calling client; answers how many clients it was sent to.
   */
  int broadcast(String sessionId, String event, Object data);

  /**
   * Sets (or with {@code null}, removes) one metadata entry of the calling client; the key and
   * value are bounded as for {@code connect} (see {@link Gateway#MAX_METADATA_ENTRIES}: at most 32 entries, keys of 1 to 64 characters, values of at most 1,024).
   */
  void putMetadata(String key, String value);
}
