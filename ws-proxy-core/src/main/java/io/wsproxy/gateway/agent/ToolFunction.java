package io.wsproxy.gateway.agent;

import com.google.gson.JsonElement;
import io.wsproxy.gateway.Cancellation;

/**
 * Runs a {@link Tool}. Answers the output (serialised with the gateway's Gson) or a
 * {@link java.util.concurrent.CompletionStage} of it; throw a
 * {@link io.wsproxy.gateway.GatewayException} to answer a chosen error.
 *
 * <p><b>Threading.</b> Called on the caller's transport thread: return a stage for slow work and
 * watch {@code cancellation}, which fires on timeout, disconnect or {@code cancel}.
 */
@FunctionalInterface
public interface ToolFunction {

  /** Runs the tool with {@code input} (checked against the tool's schema). */
  Object invoke(JsonElement input, Cancellation cancellation) throws Exception;
}
