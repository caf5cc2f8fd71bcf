package io.wsproxy.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.agent.AgentProfile;
import io.wsproxy.gateway.agent.AgentReply;
import io.wsproxy.gateway.agent.AgentRuntime;
import io.wsproxy.gateway.agent.AgentTurn;
import io.wsproxy.gateway.agent.InMemoryToolRegistry;
import io.wsproxy.gateway.agent.Tool;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The agent profile of the {@code gateway --profile agent} command: an agent that streams the
 * user's words back one token at a time (every {@value #TOKEN_DELAY_MS} ms, so {@code agent.cancel}
 * can be tried), calling the {@code clock} tool first when asked for the time; and three tools:
 * {@code clock}, {@code add {a, b}} and {@code sleep {ms}} (cancellable; its timeout is 5 s).
 *
 * <p>Thread-safe and stateless: the gateway keeps the conversations. The delays run on the JDK's
 * shared delayed executor (one daemon thread).
 */
final class DemoAgent implements AgentRuntime {

  /** Delay between streamed tokens, in milliseconds. */
  static final long TOKEN_DELAY_MS = 150;

  private static final Executor NEXT_TOKEN =
      CompletableFuture.delayedExecutor(TOKEN_DELAY_MS, TimeUnit.MILLISECONDS);

  private DemoAgent() {}

  /** The demo agent and tools, with an in-memory conversation store. */
  static AgentProfile profile() {
    InMemoryToolRegistry tools = new InMemoryToolRegistry()
        .register(Tool.of("clock", "the gateway's current time (UTC)", schema("{}", "[]"),
            (input, cancellation) -> Map.of("now", Instant.now().toString())))
        .register(Tool.of("add", "adds two numbers", schema(
            "{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}}", "[\"a\",\"b\"]"),
            (input, cancellation) -> input.getAsJsonObject().get("a").getAsDouble()
                + input.getAsJsonObject().get("b").getAsDouble()))
        .register(new Tool("sleep", "waits ms milliseconds (at most 60,000), then answers",
            schema("{\"ms\":{\"type\":\"integer\"}}", "[\"ms\"]"), Duration.ofSeconds(5),
            (input, cancellation) -> sleep(input.getAsJsonObject().get("ms").getAsLong(),
                cancellation)));
    return AgentProfile.inMemory(new DemoAgent(), tools);
  }

  private static JsonObject schema(String properties, String required) {
    return JsonParser.parseString("{\"type\":\"object\",\"properties\":" + properties
        + ",\"required\":" + required + "}").getAsJsonObject();
  }

  private static CompletionStage<Object> sleep(long ms,
      io.wsproxy.gateway.Cancellation cancellation) {
    if (ms < 0 || ms > 60_000) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "ms must be 0 to 60000");
    }
    CompletableFuture<Object> done = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS)
        .execute(() -> done.complete(Map.of("sleptMs", ms)));
    cancellation.onCancel(() -> done.cancel(false));
    return done;
  }

  @Override
  public CompletionStage<AgentReply> send(AgentTurn turn) {
    String text = turn.text().strip();
    String prefix = "";
    if (text.toLowerCase(java.util.Locale.ROOT).contains("time")) {
      JsonObject input = new JsonObject();
      turn.toolCall("clock", input);
      String now = Instant.now().toString();
      JsonObject output = new JsonObject();
      output.addProperty("now", now);
      turn.toolResult("clock", output);
      prefix = "It is " + now + ". ";
    }
    String[] words = (prefix + "You said: " + text).split(" ");
    CompletableFuture<AgentReply> reply = new CompletableFuture<>();
    stream(turn, words, 0, reply);
    return reply;
  }

  /** Emits word {@code i} after a delay, then the next, until done or cancelled. */
  private static void stream(AgentTurn turn, String[] words, int i,
      CompletableFuture<AgentReply> reply) {
    if (turn.cancellation().isCancelled()) {
      reply.complete(new AgentReply("", AgentReply.CANCELLED));
      return;
    }
    if (i == words.length) {
      reply.complete(AgentReply.of(String.join(" ", words)));
      return;
    }
    NEXT_TOKEN.execute(() -> {
      turn.token(i == 0 ? words[i] : " " + words[i]);
      stream(turn, words, i + 1, reply);
    });
  }
}
