package io.wsproxy.gateway.internal;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.agent.AgentProfile;
import io.wsproxy.gateway.agent.Conversation;
import io.wsproxy.gateway.agent.ConversationMessage;
import io.wsproxy.gateway.agent.ConversationStore;
import io.wsproxy.gateway.agent.HistoryPage;
import io.wsproxy.gateway.agent.Tool;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The agent profile's conversation and tool methods: {@code sessions.create}, {@code sessions.list},
 * {@code sessions.history}, {@code tools.list} and {@code tools.invoke}; the runs of
 * {@code agent.send} and {@code agent.cancel} are {@link AgentRuns}'. "Sessions" here are
 * conversations of the {@link ConversationStore}, never broadcast rooms. A conversation belongs to
 * the principal name that created it; others are answered {@link ErrorCodes#FORBIDDEN}.
 */
final class AgentProfileMethods {

  /** Conversations {@code sessions.list} answers by default. */
  static final int DEFAULT_LIST = 50;
  /** Messages {@code sessions.history} answers by default. */
  static final int DEFAULT_PAGE = 50;

  record CreateParams(String title) {}

  record ListParams(Integer limit) {}

  record HistoryParams(String conversationId, Long before, Integer limit) {}

  record InvokeParams(String name, JsonElement input) {}

  private final AgentProfile profile;
  private final ConversationStore store;
  private final Timeouts timeouts;
  private final Gson gson;
  private final AgentRuns runs;

  AgentProfileMethods(AgentProfile profile, Clients clients, Timeouts timeouts, Gson gson) {
    this.profile = profile;
    this.store = profile.conversations();
    this.timeouts = timeouts;
    this.gson = gson;
    this.runs = new AgentRuns(profile, this, clients);
  }

  void register(Handlers h) {
    h.builtin(CreateParams.class, this::create, "sessions.create");
    h.builtin(ListParams.class, this::list, "sessions.list");
    h.builtin(HistoryParams.class, this::history, "sessions.history");
    h.builtin(JsonElement.class, call -> tools(), "tools.list");
    h.builtin(InvokeParams.class, this::invoke, "tools.invoke");
    runs.register(h);
  }

  /** What {@code system.health} adds: tool, conversation and run counts. */
  void addHealth(JsonObject health) {
    health.addProperty("tools", profile.tools().list().size());
    health.addProperty("conversations", store.count());
    health.addProperty("agentRuns", runs.active());
  }

  // ---- conversations ----

  private Object create(Call<CreateParams> call) {
    Conversation c;
    try {
      c = store.create(call.principal().name(), call.params().title());
    } catch (IllegalArgumentException e) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, e.getMessage());
    }
    BuiltinMethods.state(call).activeConversation = c.id();
    return json(c, true);
  }

  private Object list(Call<ListParams> call) {
    int limit = bounded(call.params().limit(), DEFAULT_LIST, ConversationStore.MAX_PAGE, "limit");
    String active = BuiltinMethods.state(call).activeConversation;
    JsonArray out = new JsonArray();
    for (Conversation c : store.list(call.principal().name(), limit)) {
      out.add(json(c, c.id().equals(active)));
    }
    JsonObject o = new JsonObject();
    o.add("sessions", out);
    return o;
  }

  private Object history(Call<HistoryParams> call) {
    HistoryParams p = call.params();
    String id = p.conversationId() != null ? p.conversationId()
        : BuiltinMethods.state(call).activeConversation;
    if (id == null) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "conversationId is required: this connection has no active conversation");
    }
    owned(id, call);
    int limit = bounded(p.limit(), DEFAULT_PAGE, ConversationStore.MAX_PAGE, "limit");
    long before = p.before() == null ? 0 : p.before();
    if (before < 0) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "before must not be negative");
    }
    HistoryPage page;
    try {
      page = store.history(id, before, limit);
    } catch (NoSuchElementException e) {
      throw noSuchConversation();
    }
    JsonArray messages = new JsonArray();
    for (ConversationMessage m : page.messages()) {
      JsonObject o = new JsonObject();
      o.addProperty("seq", m.seq());
      o.addProperty("role", m.role());
      o.addProperty("text", m.text());
      o.addProperty("at", m.at().toString());
      messages.add(o);
    }
    JsonObject o = new JsonObject();
    o.addProperty("conversationId", id);
    o.add("messages", messages);
    o.addProperty("hasMore", page.hasMore());
    o.addProperty("nextBefore", page.nextBefore());
    return o;
  }

  /** The conversation {@code id} if the caller owns it, else a {@link GatewayException}. */
  Conversation owned(String id, Call<?> call) {
    Conversation c = store.get(id).orElseThrow(AgentProfileMethods::noSuchConversation);
    if (!c.owner().equals(call.principal().name())) {
      throw new GatewayException(ErrorCodes.FORBIDDEN, "Not your conversation");
    }
    return c;
  }

  static GatewayException noSuchConversation() {
    return new GatewayException(ErrorCodes.INVALID_PARAMS, "No such conversation");
  }

  private static JsonObject json(Conversation c, boolean active) {
    JsonObject o = new JsonObject();
    o.addProperty("conversationId", c.id());
    o.addProperty("title", c.title());
    o.addProperty("createdAt", c.createdAt().toString());
    o.addProperty("updatedAt", c.updatedAt().toString());
    o.addProperty("messageCount", c.messageCount());
    o.addProperty("active", active);
    return o;
  }

  static int bounded(Integer value, int fallback, int max, String field) {
    int v = value == null ? fallback : value;
    if (v < 1 || v > max) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, field + " must be 1 to " + max);
    }
    return v;
  }

  // ---- tools ----

  private Object tools() {
    JsonArray out = new JsonArray();
    for (Tool t : profile.tools().list()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", t.name());
      o.addProperty("description", t.description());
      o.add("inputSchema", t.inputSchema());
      o.addProperty("timeoutMs", t.timeout().toMillis());
      out.add(o);
    }
    JsonObject o = new JsonObject();
    o.add("tools", out);
    return o;
  }

  private Object invoke(Call<InvokeParams> call) {
    String name = call.params().name();
    Tool tool = profile.tools().find(name).orElseThrow(() -> new GatewayException(
        ErrorCodes.INVALID_PARAMS, "Unknown tool: " + (name == null ? "(none)" : name)));
    JsonObject input = ToolInput.check(tool.inputSchema(), call.params().input());
    return run(tool, input, call).thenApply(output -> {
      JsonObject o = new JsonObject();
      o.addProperty("name", tool.name());
      o.add("output", output);
      return o;
    });
  }

  /**
   * Runs a tool within its timeout; the tool's cancellation fires on timeout and when the call is
   * cancelled. The stage fails with {@link ErrorCodes#TIMEOUT} on timeout.
   */
  CompletableFuture<JsonElement> run(Tool tool, JsonObject input, Call<?> call) {
    CancelSignal cancel = new CancelSignal();
    call.cancellation().onCancel(cancel::cancel);
    CompletableFuture<Object> result = new CompletableFuture<>();
    try {
      Object out = tool.function().invoke(input, cancel);
      if (out instanceof CompletionStage<?> stage) {
        stage.whenComplete((v, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(v);
          }
        });
      } else {
        result.complete(out);
      }
    } catch (Exception e) {
      result.completeExceptionally(e);
    }
    return timeouts.within(result, tool.timeout()).handle((v, e) -> {
      cancel.cancel(); // done either way: nothing more to wait for
      if (e == null) {
        return v instanceof JsonElement j ? j : gson.toJsonTree(v);
      }
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
          ? e.getCause() : e;
      if (cause instanceof TimeoutException) {
        throw new GatewayException(ErrorCodes.TIMEOUT, "Tool " + tool.name()
            + " did not answer within " + tool.timeout().toMillis() + " ms");
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new java.util.concurrent.CompletionException(cause);
    });
  }
}
