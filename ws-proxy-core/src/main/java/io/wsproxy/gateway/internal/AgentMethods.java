package io.wsproxy.gateway.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.wsproxy.gateway.AgentInfo;
import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The built-in agent methods: {@code agents.register}, {@code agents.list}, {@code agents.request}
 * and {@code agents.respond} (envelope aliases {@code agent_register}, {@code agent_list},
 * {@code agent_request}, {@code agent_respond}).
 */
final class AgentMethods {

  record RegisterParams(String agentId, String type, List<String> capabilities) {}

  record ListParams(String capability, String type) {}

  record RequestParams(String capability, String method, JsonElement params, Long timeoutMs) {}

  record ErrorParams(Integer code, String message, JsonElement data) {}

  record RespondParams(String requestId, JsonElement result, ErrorParams error) {}

  record AgentParams(String agentId, String status) {}

  record BroadcastParams(String event, JsonElement data, String capability, String type) {}

  /** The event of {@code agents.broadcast} when the caller names none. */
  static final String BROADCAST_EVENT = "agent.broadcast";

  private final Agents agents;
  private final Settings settings;

  AgentMethods(Agents agents, Settings settings) {
    this.agents = agents;
    this.settings = settings;
  }

  void register(Handlers h) {
    h.builtin(RegisterParams.class, this::register, "agents.register", "agent_register");
    h.builtin(ListParams.class, this::list, "agents.list", "agent_list");
    h.builtin(RequestParams.class, this::request, "agents.request", "agent_request",
        "route_request");
    h.builtin(RespondParams.class, this::respond, "agents.respond", "agent_respond");
    h.builtin(AgentParams.class, this::unregister, "agents.unregister", "agent_unregister");
    h.builtin(AgentParams.class, this::status, "agents.status", "agent_status");
    h.builtin(BroadcastParams.class, this::broadcast, "agents.broadcast", "agent_broadcast");
  }

  private Object unregister(Call<AgentParams> call) {
    agents.unregister(call.clientId(), call.params().agentId());
    JsonObject o = new JsonObject();
    o.addProperty("agentId", call.params().agentId());
    o.addProperty("unregistered", true);
    return o;
  }

  private Object status(Call<AgentParams> call) {
    return json(agents.setStatus(call.clientId(), call.params().agentId(),
        call.params().status()));
  }

  /** Sends {@code data} to every online agent (of a capability or type), never to the caller. */
  private Object broadcast(Call<BroadcastParams> call) {
    BroadcastParams p = call.params();
    String event = p.event() == null ? BROADCAST_EVENT : p.event();
    if (event.isEmpty() || event.length() > Codec.MAX_METHOD_CHARS) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS,
          "event must have 1 to " + Codec.MAX_METHOD_CHARS + " characters");
    }
    JsonObject data = new JsonObject();
    data.addProperty("from", call.clientId());
    data.add("data", p.data());
    int delivered = agents.broadcast(event, data, a -> !a.clientId().equals(call.clientId())
        && (p.capability() == null || a.capabilities().contains(p.capability()))
        && (p.type() == null || a.type().equals(p.type())));
    JsonObject o = new JsonObject();
    o.addProperty("delivered", delivered);
    return o;
  }

  private Object register(Call<RegisterParams> call) {
    RegisterParams p = call.params();
    List<String> caps = p.capabilities() == null ? List.of() : p.capabilities();
    if (caps.contains(null)) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "capabilities must be strings");
    }
    AgentInfo info = agents.register(BuiltinMethods.state(call), p.agentId(), p.type(),
        new LinkedHashSet<>(caps));
    return json(info);
  }

  private Object list(Call<ListParams> call) {
    ListParams p = call.params();
    List<AgentInfo> found = p.capability() != null ? agents.findByCapability(p.capability())
        : p.type() != null ? agents.findByType(p.type()) : agents.list();
    JsonArray out = new JsonArray();
    for (AgentInfo a : found) {
      if (p.type() == null || a.type().equals(p.type())) {
        out.add(json(a));
      }
    }
    JsonObject o = new JsonObject();
    o.add("agents", out);
    return o;
  }

  private Object request(Call<RequestParams> call) {
    RequestParams p = call.params();
    if (p.capability() == null || p.capability().isEmpty()) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "capability is required");
    }
    Duration timeout = p.timeoutMs() == null ? settings.agentRequestTimeout()
        : Duration.ofMillis(p.timeoutMs());
    if (timeout.isNegative() || timeout.isZero()
        || timeout.compareTo(Gateway.MAX_AGENT_REQUEST_TIMEOUT) > 0) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, "timeoutMs must be 1 to "
          + Gateway.MAX_AGENT_REQUEST_TIMEOUT.toMillis());
    }
    return agents.route(p.capability(), p.method(), p.params(), timeout, call.clientId());
  }

  private Object respond(Call<RespondParams> call) {
    RespondParams p = call.params();
    GatewayException error = null;
    if (p.error() != null) {
      ErrorParams e = p.error();
      error = new GatewayException(e.code() == null ? ErrorCodes.INTERNAL_ERROR : e.code(),
          e.message() == null ? "Agent error" : e.message(), e.data());
    }
    agents.respond(call.clientId(), p.requestId(), p.result(), error);
    JsonObject o = new JsonObject();
    o.addProperty("delivered", true);
    return o;
  }

  private static JsonObject json(AgentInfo a) {
    JsonObject o = new JsonObject();
    o.addProperty("agentId", a.id());
    o.addProperty("type", a.type());
    o.add("capabilities", BuiltinMethods.strings(a.capabilities()));
    o.addProperty("online", a.online());
    o.addProperty("status", a.status());
    o.addProperty("registeredAt", a.registeredAt().toString());
    return o;
  }
}
