package io.wsproxy.gateway.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.wsproxy.Principal;
import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.Cancellation;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.agent.AgentProfile;
import io.wsproxy.gateway.agent.AgentReply;
import io.wsproxy.gateway.agent.AgentTurn;
import io.wsproxy.gateway.agent.Conversation;
import io.wsproxy.gateway.agent.ConversationMessage;
import io.wsproxy.gateway.agent.ConversationStore;
import io.wsproxy.gateway.agent.ToolRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code agent.send} and {@code agent.cancel}: the runs of the {@link io.wsproxy.gateway.agent.AgentRuntime}.
 * A run streams {@value #EVENT} {@code {runId, conversationId, type, ...}} to its caller
 * ({@code start} first, {@code done} last) and is answered
 * {@code {runId, conversationId, text, stopReason}}. {@code agent.cancel}, the caller's
 * {@code cancel}, a disconnect or the gateway closing end it with the stop reason
 * {@code cancelled}; whatever the runtime does afterwards is dropped. Thread-safe.
 */
final class AgentRuns {

  /** The event of a run's progress. */
  static final String EVENT = "agent.event";

  record SendParams(String text, String conversationId) {}

  record CancelParams(String runId) {}

  /** One run in flight. */
  private final class Run implements AgentTurn {
    final String runId;
    final String conversationId;
    final String text;
    final List<ConversationMessage> history;
    final ClientState client;
    final CancelSignal cancel = new CancelSignal();
    final CompletableFuture<JsonObject> reply = new CompletableFuture<>();

    Run(String runId, String conversationId, String text, List<ConversationMessage> history,
        ClientState client) {
      this.runId = runId;
      this.conversationId = conversationId;
      this.text = text;
      this.history = history;
      this.client = client;
    }

    @Override public String runId() { return runId; }

    @Override public String conversationId() { return conversationId; }

    @Override public String text() { return text; }

    @Override public List<ConversationMessage> history() { return history; }

    @Override public Principal principal() { return client.principal(); }

    @Override public ToolRegistry tools() { return profile.tools(); }

    @Override public Cancellation cancellation() { return cancel; }

    @Override
    public void token(String piece) {
      JsonObject o = event("token");
      o.addProperty("text", piece);
      emit(o);
    }

    @Override
    public void toolCall(String name, JsonElement input) {
      JsonObject o = event("tool_call");
      o.addProperty("name", name);
      o.add("input", input);
      emit(o);
    }

    @Override
    public void toolResult(String name, JsonElement output) {
      JsonObject o = event("tool_result");
      o.addProperty("name", name);
      o.add("output", output);
      emit(o);
    }

    @Override
    public void event(String type, Object data) {
      if (type == null || type.isEmpty() || type.length() > 64) {
        throw new IllegalArgumentException("type must have 1 to 64 characters: " + type);
      }
      JsonObject o = event(type);
      o.add("data", clients.toJson(data));
      emit(o);
    }

    JsonObject event(String type) {
      JsonObject o = new JsonObject();
      o.addProperty("runId", runId);
      o.addProperty("conversationId", conversationId);
      o.addProperty("type", type);
      return o;
    }

    /** Sends an event of a run still going; later ones are dropped (the lock orders it before {@link #end}). */
    synchronized void emit(JsonObject event) {
      if (!reply.isDone()) {
        clients.sendEvent(client, EVENT, null, event);
      }
    }

    /** Ends the run once: the last event, then the reply. */
    void end(String replyText, String stopReason) {
      synchronized (this) {
        if (reply.isDone()) {
          return;
        }
        JsonObject done = event("done");
        done.addProperty("stopReason", stopReason);
        clients.sendEvent(client, EVENT, null, done);
        JsonObject o = new JsonObject();
        o.addProperty("runId", runId);
        o.addProperty("conversationId", conversationId);
        o.addProperty("text", replyText);
        o.addProperty("stopReason", stopReason);
        reply.complete(o);
      }
    }
  }

  private final AgentProfile profile;
  private final AgentProfileMethods conversations;
  private final ConversationStore store;
  private final Clients clients;
  private final Map<String, Run> byId = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  AgentRuns(AgentProfile profile, AgentProfileMethods conversations, Clients clients) {
    this.profile = profile;
    this.conversations = conversations;
    this.store = profile.conversations();
    this.clients = clients;
  }

  void register(Handlers h) {
    h.builtin(SendParams.class, this::send, "agent.send");
    h.builtin(CancelParams.class, this::cancel, "agent.cancel");
  }

  int active() {
    return byId.size();
  }

  private Object send(Call<SendParams> call) {
    String text = call.params().text();
    if (text == null || text.isEmpty() || text.length() > AgentProfile.MAX_TEXT_CHARS) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "text must be a string of 1 to " + AgentProfile.MAX_TEXT_CHARS + " characters");
    }
    ClientState client = BuiltinMethods.state(call);
    if (byId.values().stream().filter(r -> r.client == client).count()
        >= AgentProfile.MAX_RUNS_PER_CLIENT) {
      throw new GatewayException(ErrorCodes.RATE_LIMITED,
          "At most " + AgentProfile.MAX_RUNS_PER_CLIENT + " agent runs at once per connection");
    }
    String conversationId = conversation(call, client, text);
    List<ConversationMessage> history =
        store.history(conversationId, 0, AgentProfile.HISTORY_FOR_TURN).messages();
    store.append(conversationId, ConversationMessage.USER, text);
    Run run = new Run("run-" + ids.incrementAndGet(), conversationId, text, history, client);
    byId.put(run.runId, run);
    run.reply.whenComplete((r, e) -> byId.remove(run.runId, run));
    run.cancel.onCancel(() -> run.end("", AgentReply.CANCELLED));
    call.cancellation().onCancel(run.cancel::cancel);
    run.emit(run.event("start"));
    CompletionStage<AgentReply> stage;
    try {
      stage = profile.runtime().send(run);
      if (stage == null) {
        throw new NullPointerException("AgentRuntime.send answered null");
      }
    } catch (Exception e) {
      run.reply.completeExceptionally(e);
      return run.reply;
    }
    run.cancel.onCancel(() -> stage.toCompletableFuture().cancel(false));
    stage.whenComplete((reply, error) -> {
      if (run.cancel.isCancelled() || run.reply.isDone()) {
        return;
      }
      if (error != null) {
        run.reply.completeExceptionally(error);
        return;
      }
      String replyText = reply == null ? "" : reply.text();
      if (!replyText.isEmpty()) {
        store.append(conversationId, ConversationMessage.ASSISTANT, replyText);
      }
      run.end(replyText, reply == null ? AgentReply.END_TURN : reply.stopReason());
    });
    return run.reply;
  }

  /** The conversation named, else the connection's active one, else a new one; made active. */
  private String conversation(Call<SendParams> call, ClientState client, String text) {
    String named = call.params().conversationId();
    String id;
    if (named != null) {
      id = conversations.owned(named, call).id();
    } else {
      String active = client.activeConversation;
      id = active != null && store.get(active).isPresent() ? active
          : store.create(call.principal().name(), title(text)).id();
    }
    client.activeConversation = id;
    return id;
  }

  private static String title(String text) {
    String t = text.strip().replaceAll("\\s+", " ");
    return t.length() <= 40 ? t : t.substring(0, 40) + "…";
  }

  private Object cancel(Call<CancelParams> call) {
    ClientState client = BuiltinMethods.state(call);
    String runId = call.params().runId();
    int cancelled = 0;
    for (Run run : List.copyOf(byId.values())) {
      if (run.client == client && (runId == null || run.runId.equals(runId))
          && run.cancel.cancel()) {
        cancelled++;
      }
    }
    if (runId != null && cancelled == 0 && !byId.containsKey(runId)) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "No such run in flight: " + runId);
    }
    JsonObject o = new JsonObject();
    o.addProperty("cancelled", cancelled);
    return o;
  }
}
