package io.wsproxy.gateway.agent;

import com.google.gson.JsonElement;
import io.wsproxy.Principal;
import io.wsproxy.gateway.Cancellation;
import java.util.List;

/**
 * One turn of {@code agent.send} as the {@link AgentRuntime} sees it: the user's text, the
 * conversation so far, the tools, and the methods that stream the turn's events to the caller as
 * {@code agent.event} {@code {runId, conversationId, type, ...}}.
 *
 * <p><b>Threading.</b> Thread-safe and non-blocking; events may be emitted from any thread, in the
 * order the caller should see them. Events after the turn ended or was cancelled are dropped.
 */
public interface AgentTurn {

  /** The run's id, which {@code agent.cancel} names; announced in the first event. */
  String runId();

  /** The conversation this turn belongs to. */
  String conversationId();

  /** What the user said. */
  String text();

  /** The conversation's latest messages before this turn, oldest first (bounded). */
  List<ConversationMessage> history();

  /** Who is asking. */
  Principal principal();

  /** The tools the agent may call (through {@link Tool#function()}). */
  ToolRegistry tools();

  /** Whether the caller still wants the answer. */
  Cancellation cancellation();

  /** Streams a piece of the reply: {@code {type: "token", text}}. */
  void token(String text);

  /** Announces a tool call: {@code {type: "tool_call", name, input}}. */
  void toolCall(String name, JsonElement input);

  /** Reports a tool's result: {@code {type: "tool_result", name, output}}. */
  void toolResult(String name, JsonElement output);

  /** Any other event: {@code {type, data}} ({@code type} of 1 to 64 characters). */
  void event(String type, Object data);
}
