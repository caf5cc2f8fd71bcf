package io.wsproxy.gateway;

/**
 * Answers one method (JSON-RPC) or message type (envelope) of a {@link Gateway}; register it with
 * {@link Gateway#handle(String, Class, Handler)}.
 *
 * <p>The return value is the result sent to the client, serialised with the gateway's Gson
 * ({@code null} is JSON {@code null}). Return a {@link java.util.concurrent.CompletionStage} to
 * answer later: the reply is sent when it completes, from the completing thread.
 *
 * <p><b>Errors.</b> Throw (or complete the stage with) a {@link GatewayException} to answer with a
 * chosen code and message. Any other exception is logged with its stack trace and answered with
 * {@link ErrorCodes#INTERNAL_ERROR} and a generic message; nothing of it reaches the wire.
 *
 * <p><b>Threading.</b> Called on the transport thread that delivered the client's message, one
 * message of a client at a time, but concurrently for different clients; never while the gateway
 * holds a lock. Do not block: return a stage for slow work. Implementations must be thread-safe.
 *
 * @param <P> the params type, converted from the request's params with the gateway's Gson
 */
@FunctionalInterface
public interface Handler<P> {

  /** Handles one request; returns the result or a {@code CompletionStage} of it. */
  Object handle(Call<P> call) throws Exception;
}
