package io.wsproxy.gateway.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.wsproxy.AuthResult;
import io.wsproxy.Principal;
import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.Credentials;
import io.wsproxy.gateway.CredentialsValidator;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.gateway.GatewayStats;
import io.wsproxy.gateway.ClientInfo;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in methods: connect, auth, ping, system.health, stats, and presence; sessions are in
 * {@link SessionMethods}. Each is registered under its dotted name and, where the envelope protocol
 * has one, its underscore alias.
 */
final class BuiltinMethods {

  private static final Logger log = LoggerFactory.getLogger(BuiltinMethods.class);

  /** Most clients listed in the presence snapshot of {@code hello_ok}. */
  static final int MAX_PRESENCE_SNAPSHOT = 100;

  private final Clients core;
  private final Settings settings;
  private final Timeouts timeouts;
  private final Supplier<GatewayStats> stats;
  private final Supplier<Map<String, Long>> requestsByType;
  private final Consumer<JsonObject> healthExtras;

  /**
   * @param healthExtras adds members to {@code system.health} (the agent profile's counts)
   */
  BuiltinMethods(Clients clients, Settings settings, Timeouts timeouts,
      Supplier<GatewayStats> stats, Supplier<Map<String, Long>> requestsByType,
      Consumer<JsonObject> healthExtras) {
    this.core = clients;
    this.settings = settings;
    this.timeouts = timeouts;
    this.stats = stats;
    this.requestsByType = requestsByType;
    this.healthExtras = healthExtras;
  }

  void register(Handlers h) {
    h.builtin(JsonObject.class, this::connect, "connect");
    h.builtin(JsonObject.class, this::auth, "auth");
    h.builtin(JsonElement.class, call -> ping(), "ping");
    h.builtin(JsonElement.class, call -> health(), "system.health");
    h.builtin(JsonElement.class, call -> stats(), "stats");
  }

  static ClientState state(Call<?> call) {
    return ((CallImpl<?>) call).client;
  }

  private Object connect(Call<JsonObject> call) {
    ClientState client = state(call);
    for (Map.Entry<String, JsonElement> e : call.params().entrySet()) {
      if (e.getValue() instanceof JsonPrimitive p) {
        client.putMetadata(e.getKey(), p.getAsString());
      }
    }
    JsonObject hello = new JsonObject();
    hello.addProperty("clientId", client.id);
    hello.addProperty("version", settings.version());
    hello.addProperty("protocol",
        settings.protocol() == GatewayProtocol.ENVELOPE ? "envelope" : "jsonrpc");
    hello.addProperty("authenticated", client.authenticated());
    hello.addProperty("authRequired", !client.authenticated());
    hello.addProperty("principal", client.principal().name());
    hello.addProperty("heartbeatIntervalMs", settings.pingInterval().toMillis());
    hello.addProperty("uptimeMs", stats.get().uptime().toMillis());
    hello.add("presence", presenceSnapshot(client));
    return hello;
  }

  private Object auth(Call<JsonObject> call) {
    ClientState client = state(call);
    CredentialsValidator validator = settings.messageAuth();
    if (client.authenticated() || validator == null) {
      return CompletableFuture.completedFuture(authSuccess(client));
    }
    Credentials credentials = credentials(call.params());
    CompletableFuture<AuthResult> stage;
    try {
      CompletionStage<AuthResult> s = validator.validate(credentials, client.accept.request());
      stage = s == null ? CompletableFuture.failedFuture(new NullPointerException("null stage"))
          : s.toCompletableFuture().copy();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return timeouts.within(stage, settings.limits().handshakeTimeout())
        .handle((result, error) -> {
          if (error == null && result instanceof Principal p) {
            client.authenticate(p);
            core.authenticated(client);
            return authSuccess(client);
          }
          if (error != null) {
            log.warn("CredentialsValidator failed for client {}; refusing", client.id, error);
          }
          if (client.authFailures.incrementAndGet() >= settings.maxAuthFailures()) {
            ((CallImpl<?>) call).afterReply(() -> core.close(client,
                Gateway.CLOSE_AUTH_FAILED, "Too many failed authentication attempts"));
          }
          throw new GatewayException(ErrorCodes.NOT_AUTHENTICATED, "Authentication failed");
        });
  }

  private static Credentials credentials(JsonObject params) {
    String token;
    String password;
    String username;
    try {
      token = Codec.optionalString(params, "token");
      password = Codec.optionalString(params, "password");
      username = Codec.optionalString(params, "username");
    } catch (IllegalArgumentException e) {
      throw new GatewayException(ErrorCodes.INVALID_PARAMS, e.getMessage());
    }
    if (token != null && password == null) {
      return new Credentials.Token(token);
    }
    if (password != null && token == null) {
      return new Credentials.Password(username, password);
    }
    throw new GatewayException(ErrorCodes.INVALID_PARAMS, "auth needs a token or a password");
  }

  private static JsonObject authSuccess(ClientState client) {
    JsonObject o = new JsonObject();
    o.addProperty("clientId", client.id);
    o.addProperty("principal", client.principal().name());
    return o;
  }

  private static Object ping() {
    JsonObject o = new JsonObject();
    o.addProperty("time", System.currentTimeMillis());
    return o;
  }

  /** Who else is connected (authenticated clients only see it), oldest first, bounded. */
  private JsonArray presenceSnapshot(ClientState self) {
    JsonArray out = new JsonArray();
    if (!self.authenticated()) {
      return out;
    }
    for (ClientInfo c : core.snapshots()) {
      if (out.size() >= MAX_PRESENCE_SNAPSHOT) {
        break;
      }
      if (c.authenticated()) {
        JsonObject o = new JsonObject();
        o.addProperty("clientId", c.id());
        o.addProperty("principal", c.principal().name());
        o.add("sessions", strings(new java.util.TreeSet<>(c.sessions())));
        o.add("metadata", core.toJson(c.metadata()));
        out.add(o);
      }
    }
    return out;
  }

  private Object health() {
    GatewayStats s = stats.get();
    JsonObject o = new JsonObject();
    o.addProperty("status", "ok");
    o.addProperty("version", settings.version());
    o.addProperty("uptimeMs", s.uptime().toMillis());
    o.addProperty("clients", s.clients());
    o.addProperty("sessions", s.sessions());
    o.addProperty("agentsOnline", s.agentsOnline());
    o.addProperty("connections", s.clients());
    healthExtras.accept(o);
    return o;
  }

  private Object stats() {
    GatewayStats s = stats.get();
    JsonObject o = new JsonObject();
    o.addProperty("uptimeMs", s.uptime().toMillis());
    o.addProperty("clients", s.clients());
    o.addProperty("sessions", s.sessions());
    o.addProperty("agentsOnline", s.agentsOnline());
    o.addProperty("messagesIn", s.messagesIn());
    o.addProperty("messagesOut", s.messagesOut());
    o.addProperty("errors", s.errors());
    o.addProperty("rateLimited", s.rateLimited());
    o.add("requestsByType", core.toJson(requestsByType.get()));
    return o;
  }

  static JsonArray strings(Iterable<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }
}
