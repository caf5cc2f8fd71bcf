package io.wsproxy.gateway.agent;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Objects;

/**
 * One tool of a {@link ToolRegistry}: what {@code tools.list} describes and {@code tools.invoke}
 * runs. Immutable.
 *
 * @param name        1 to 64 letters, digits or {@code . _ -}
 * @param description for people and models
 * @param inputSchema the JSON schema of the input (an object schema); {@code tools.invoke} checks
 *                    that the input is an object holding every member the schema's
 *                    {@code required} lists, with the JSON type its {@code properties} give
 * @param timeout     how long an invocation may take before it is cancelled and answered with
 *                    {@link io.wsproxy.gateway.ErrorCodes#TIMEOUT}; positive, at most 10 min
 * @param function    what runs the tool
 */
public record Tool(String name, String description, JsonObject inputSchema, Duration timeout,
    ToolFunction function) {

  /** Default tool timeout: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Longest tool timeout: 10 min. */
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  public Tool {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("name must be 1 to 64 letters, digits or . _ -: " + name);
    }
    Objects.requireNonNull(description, "description");
    inputSchema = Objects.requireNonNull(inputSchema, "inputSchema").deepCopy();
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout must be positive and at most " + MAX_TIMEOUT
          + ": " + timeout);
    }
    Objects.requireNonNull(function, "function");
  }

  /** A tool with the {@link #DEFAULT_TIMEOUT}. */
  public static Tool of(String name, String description, JsonObject inputSchema,
      ToolFunction function) {
    return new Tool(name, description, inputSchema, DEFAULT_TIMEOUT, function);
  }

  @Override
  public JsonObject inputSchema() {
    return inputSchema.deepCopy();
  }
}
