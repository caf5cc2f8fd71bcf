package io.wsproxy.gateway.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.gateway.Handler;
import io.wsproxy.gateway.Call;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client message's way through the gateway: rate limit → size → parse (depth-bounded) → auth
 * gate → handler lookup → params conversion → handler → reply. Every refusal is answered with an
 * error reply; nothing is dropped silently and nothing a handler throws reaches the wire except a
 * {@link GatewayException}'s code, message and data. Stateless and thread-safe; it runs on the
 * client's transport thread and, for asynchronous results, on the completing thread.
 */
final class Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** Longest part of a params conversion error echoed to the client, in characters. */
  private static final int MAX_DETAIL_CHARS = 200;

  private final Clients core;
  private final Rooms rooms;
  private final Handlers handlers;
  private final Counters counters;
  private final Codec codec;
  private final Gson gson;
  private final int maxMessageBytes;
  private final int rateCloseAfter;
  private final int maxCallsInFlight;
  private final Handlers.Registration unhandled;
  private final GatewayListener listener;

  Dispatcher(Clients clients, Rooms rooms, Handlers handlers, Counters counters, Codec codec,
      Settings settings, GatewayListener listener) {
    this.listener = listener;
    this.core = clients;
    this.rooms = rooms;
    this.handlers = handlers;
    this.counters = counters;
    this.codec = codec;
    this.gson = settings.gson();
    this.maxMessageBytes = settings.limits().maxMessageSize();
    this.rateCloseAfter = settings.rateCloseAfter();
    this.maxCallsInFlight = settings.maxCallsInFlight();
    this.unhandled = settings.unhandled() == null ? null
        : new Handlers.Registration(Counters.UNKNOWN, JsonElement.class, settings.unhandled(),
            false);
    // a client that leaves cancels what it was waiting for
    clients.onRemoved(client -> List.copyOf(client.inFlight).forEach(CallImpl::cancel));
    handlers.builtin(CancelParams.class, this::cancel, "cancel", "$/cancelRequest");
  }

  /** Calls never refused for the in-flight bound: a client at the bound must still be able to cancel. */
  private static final java.util.Set<String> CONTROL =
      java.util.Set.of("cancel", "$/cancelRequest", "agent.cancel");

  /** Params of {@code cancel}: the id of the caller's request to cancel. */
  record CancelParams(JsonElement id) {}

  /** {@code cancel {id}}: answers the named call with -32800 and cancels its handler. */
  private Object cancel(Call<CancelParams> call) {
    JsonElement id = call.params().id();
    if (id == null || !id.isJsonPrimitive()) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "id must be a string or a number");
    }
    ClientState client = ((CallImpl<?>) call).client;
    int cancelled = 0;
    for (CallImpl<?> c : List.copyOf(client.inFlight)) {
      if (id.equals(c.request.id()) && c.cancel()) {
        client.inFlight.remove(c);
        core.sendError(client, c.request, c.request.id(), ErrorCodes.REQUEST_CANCELLED,
            "Request cancelled", null);
        completed(c, CANCELLED, ErrorCodes.REQUEST_CANCELLED);
        cancelled++;
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("cancelled", cancelled > 0);
    return o;
  }

  void onText(ClientState client, String text) {
    if (!admit(client)) {
      return;
    }
    if (text.length() > maxMessageBytes
        || ((long) text.length() * 3 > maxMessageBytes && BoundedJson.utf8Length(text) > maxMessageBytes)) {
      core.sendError(client, null, null, ErrorCodes.MESSAGE_TOO_LARGE,
          "Message larger than " + maxMessageBytes + " bytes", null);
      core.close(client, Gateway.CLOSE_MESSAGE_TOO_BIG, "Message too big");
      return;
    }
    Codec.Decoded decoded = codec.decode(text);
    if (decoded instanceof Codec.Malformed m) {
      core.sendError(client, null, m.id(), m.code(), m.message(), null);
      return;
    }
    dispatch(client, (Codec.Inbound) decoded);
  }

  void onBinary(ClientState client) {
    if (admit(client)) {
      core.sendError(client, null, null, ErrorCodes.INVALID_REQUEST,
          "Binary messages are not supported", null);
    }
  }

  /**
   * Counts the message and applies the rate limit; {@code false} if it was refused, or if the
   * client was already closed (a transport may still deliver what it had buffered).
   */
  private boolean admit(ClientState client) {
    if (client.closed.get()) {
      return false;
    }
    long now = core.now();
    client.touch(now);
    counters.messageIn();
    int refused = client.bucket.take(now);
    if (refused == 0) {
      return true;
    }
    counters.rateLimited();
    core.sendError(client, null, null, ErrorCodes.RATE_LIMITED, "Rate limit exceeded", null);
    if (refused >= rateCloseAfter) {
      core.close(client, Gateway.CLOSE_RATE_LIMITED, "Rate limit exceeded");
    }
    return false;
  }

  private void dispatch(ClientState client, Codec.Inbound in) {
    long arrived = System.nanoTime();
    Handlers.Registration reg = handlers.get(in.method());
    String name = reg == null ? Counters.UNKNOWN : reg.name();
    if (!client.authenticated() && (reg == null || !reg.preAuth())) {
      core.sendError(client, in, in.id(), ErrorCodes.NOT_AUTHENTICATED, "Not authenticated", null);
      completed(name, REFUSED, ErrorCodes.NOT_AUTHENTICATED, arrived);
      return;
    }
    counters.request(reg == null ? Counters.UNKNOWN : reg.name());
    if (reg == null) {
      reg = unhandled;
    }
    if (reg == null) {
      core.sendError(client, in, in.id(), ErrorCodes.METHOD_NOT_FOUND,
          "Unknown method: " + in.method(), null);
      completed(name, REFUSED, ErrorCodes.METHOD_NOT_FOUND, arrived);
      return;
    }
    Object params;
    try {
      params = convert(in.params(), reg.paramsType());
    } catch (JsonParseException | IllegalArgumentException | ClassCastException e) {
      core.sendError(client, in, in.id(), ErrorCodes.INVALID_PARAMS, "Invalid params: "
          + truncate(e.getMessage()), null);
      completed(name, REFUSED, ErrorCodes.INVALID_PARAMS, arrived);
      return;
    }
    if (client.inFlight.size() >= maxCallsInFlight && !reg.preAuth()
        && !CONTROL.contains(reg.name())) {
      core.sendError(client, in, in.id(), ErrorCodes.RATE_LIMITED,
          "Too many calls in flight (at most " + maxCallsInFlight + ")", null);
      completed(name, REFUSED, ErrorCodes.RATE_LIMITED, arrived);
      return;
    }
    CallImpl<Object> call = new CallImpl<>(core, rooms, client, in, params);
    call.metricName = name;
    call.arrivedNanos = arrived;
    Object result;
    try {
      @SuppressWarnings("unchecked")
      Handler<Object> handler = (Handler<Object>) reg.handler();
      result = handler.handle(call);
    } catch (Exception | LinkageError | AssertionError e) {
      finish(call, null, e);
      return;
    }
    if (result instanceof CompletionStage<?> stage) {
      client.inFlight.add(call);
      call.answerLater(stage);
      if (client.closed.get()) { // it left while the handler ran: the removal hook missed this call
        call.cancel();
      }
      stage.whenComplete((value, error) -> {
        client.inFlight.remove(call);
        finish(call, value, error);
      });
    } else {
      finish(call, result, null);
    }
  }

  private Object convert(JsonElement params, Class<?> type) {
    JsonElement p = params == null || params.isJsonNull() ? new JsonObject() : params;
    if (type.isInstance(p)) {
      return p;
    }
    if (JsonElement.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("expected " + type.getSimpleName());
    }
    return gson.fromJson(p, type);
  }

  private void finish(CallImpl<?> call, Object value, Throwable error) {
    if (!call.claimReply()) {
      return; // cancelled: answered already, or nobody is there
    }
    ClientState client = call.client;
    Codec.Inbound in = call.request;
    if (error == null) {
      String reply;
      try {
        JsonElement json = value instanceof JsonElement e ? e
            : value == null ? JsonNull.INSTANCE : gson.toJsonTree(value);
        reply = codec.reply(in, json); // refuses what is not JSON (NaN, Infinity)
      } catch (RuntimeException e) {
        log.warn("result of {} could not be serialised as JSON", in.method(), e);
        core.sendError(client, in, in.id(), ErrorCodes.INTERNAL_ERROR, "Internal error", null);
        completed(call, INTERNAL_ERROR, ErrorCodes.INTERNAL_ERROR);
        runAfterReply(call);
        return;
      }
      core.send(client, reply);
      completed(call, OK, 0);
    } else {
      Throwable cause = unwrap(error);
      if (cause instanceof CancellationException) {
        core.sendError(client, in, in.id(), ErrorCodes.REQUEST_CANCELLED, "Request cancelled",
            null);
        completed(call, CANCELLED, ErrorCodes.REQUEST_CANCELLED);
      } else if (cause instanceof GatewayException g) {
        core.sendError(client, in, in.id(), g.code(), g.getMessage(), g.data());
        completed(call, ERROR, g.code());
      } else {
        log.warn("handler for {} failed (client {})", in.method(), client.id, cause);
        core.sendError(client, in, in.id(), ErrorCodes.INTERNAL_ERROR, "Internal error", null);
        completed(call, INTERNAL_ERROR, ErrorCodes.INTERNAL_ERROR);
      }
    }
    runAfterReply(call);
  }

  /** Outcomes of {@link GatewayListener#callCompleted}. */
  static final String OK = "ok";
  static final String ERROR = "error";
  static final String CANCELLED = "cancelled";
  static final String INTERNAL_ERROR = "internal_error";
  static final String REFUSED = "refused";

  private void completed(CallImpl<?> call, String outcome, int code) {
    completed(call.metricName, outcome, code, call.arrivedNanos);
  }

  private void completed(String method, String outcome, int code, long arrivedNanos) {
    listener.callCompleted(method, outcome, code,
        java.time.Duration.ofNanos(System.nanoTime() - arrivedNanos));
  }

  private static void runAfterReply(CallImpl<?> call) {
    for (Runnable r : call.takeAfterReply()) {
      r.run();
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String truncate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX_DETAIL_CHARS ? s : s.substring(0, MAX_DETAIL_CHARS) + "...";
  }
}
