package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeDecision;
import io.wsproxy.Headers;
import io.wsproxy.Principal;
import io.wsproxy.Rejection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayAuthTest {

  private static final String TOKEN = "s3cret-token";

  /** A handshake validator accepting {@code Authorization: Bearer s3cret-token} as "alice". */
  private static final AuthValidator BEARER = request -> CompletableFuture.completedFuture(
      request.header("Authorization").filter(("Bearer " + TOKEN)::equals).isPresent()
          ? Principal.of("alice") : Rejection.unauthorized("bad token"));

  private Gateway gateway;

  @AfterEach
  void close() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Gateway rpc(GatewayBuilder b) {
    gateway = b.protocol(GatewayProtocol.JSON_RPC).build();
    return gateway;
  }

  @Test
  void authenticatesEveryoneWhenNoAuthIsConfigured() throws Exception {
    rpc(Gateway.builder());
    TestClient c = TestClient.connect(gateway);
    JsonObject hello = c.rpc("connect", null).getAsJsonObject("result");
    assertTrue(hello.get("authenticated").getAsBoolean());
    assertEquals("anonymous", hello.get("principal").getAsString());
    assertTrue(c.rpc("rooms.list", null).has("result"));
  }

  @Test
  void refusesHandshakeTheValidatorRefuses() throws Exception {
    rpc(Gateway.builder().authValidator(BEARER));
    HandshakeDecision d = TestClient.handshake(gateway, Headers.of("Authorization", "Bearer nope"));
    Rejection r = assertInstanceOf(Rejection.class, d);
    assertEquals(401, r.httpStatus());
  }

  @Test
  void authenticatesFromTheStartWhenTheHandshakeNamedSomeone() throws Exception {
    List<String> authEvents = new CopyOnWriteArrayList<>();
    rpc(Gateway.builder().authValidator(BEARER)
        .messageAuth(CredentialsValidator.token("other", Principal.of("bob")))
        .listener(new GatewayListener() {
          @Override
          public void clientAuthenticated(ClientInfo client) {
            authEvents.add(client.principal().name());
          }
        }));
    TestClient c = TestClient.connect(gateway, Headers.of("Authorization", "Bearer " + TOKEN));
    JsonObject hello = c.rpc("connect", null).getAsJsonObject("result");
    assertTrue(hello.get("authenticated").getAsBoolean());
    assertEquals("alice", hello.get("principal").getAsString());
    assertTrue(c.rpc("system.health", null).has("result"));
    assertEquals(List.of("alice"), authEvents);
  }

  @Test
  void refusesMethodsBeforeTokenAuthThenAcceptsThem() throws Exception {
    rpc(Gateway.builder().messageAuth(CredentialsValidator.token(TOKEN, Principal.of("ui"))));
    TestClient c = TestClient.connect(gateway);
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(c.rpc("rooms.list", null)));
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(c.rpc("no.such.method", null)),
        "unknown methods are not revealed before auth");
    JsonObject hello = c.rpc("connect", null).getAsJsonObject("result");
    assertFalse(hello.get("authenticated").getAsBoolean());
    assertTrue(hello.get("authRequired").getAsBoolean());
    assertTrue(c.rpc("ping", null).has("result"), "ping is allowed before auth");

    JsonObject wrong = c.rpc("auth", "{\"token\":\"guess\"}");
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(wrong));
    assertFalse(wrong.toString().contains("guess"));

    JsonObject ok = c.rpc("auth", "{\"token\":\"" + TOKEN + "\"}").getAsJsonObject("result");
    assertEquals("ui", ok.get("principal").getAsString());
    assertTrue(c.rpc("rooms.list", null).has("result"));
  }

  @Test
  void acceptsPasswordAuthInEnvelopeProtocol() throws Exception {
    gateway = Gateway.builder()
        .messageAuth(CredentialsValidator.password("pa55", Principal.of("operator"))).build();
    TestClient c = TestClient.connect(gateway);
    JsonObject refused = c.envelope("session_join", "s1", null);
    assertEquals("error", refused.get("type").getAsString());
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, refused.getAsJsonObject("payload").get("code").getAsInt());
    JsonObject bad = c.envelope("auth", null, "{\"username\":\"op\",\"password\":\"nope\"}");
    assertEquals("error", bad.get("type").getAsString());
    JsonObject ok = c.envelope("auth", null, "{\"username\":\"op\",\"password\":\"pa55\"}");
    assertEquals("auth_success", ok.get("type").getAsString());
    assertEquals("operator", ok.getAsJsonObject("payload").get("principal").getAsString());
    assertEquals("session_join_ok", c.envelope("session_join", "s1", null).get("type").getAsString());
  }

  @Test
  void runsTheHandshakeValidatorOnAuthMessageTokens() throws Exception {
    rpc(Gateway.builder().messageAuth(CredentialsValidator.usingAuthValidator(BEARER)));
    TestClient c = TestClient.connect(gateway);
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(c.rpc("auth", "{\"token\":\"x\"}")));
    JsonObject ok = c.rpc("auth", "{\"token\":\"" + TOKEN + "\"}").getAsJsonObject("result");
    assertEquals("alice", ok.get("principal").getAsString());
  }

  @Test
  void acceptsAuthMessagesWithTheProxysBearerValidator() throws Exception {
    rpc(Gateway.builder().messageAuth(
        CredentialsValidator.usingAuthValidator(AuthValidator.bearerTokens("tok-aaaaaaaaaaaaaaaa"))));
    TestClient c = TestClient.connect(gateway);
    assertEquals(ErrorCodes.NOT_AUTHENTICATED,
        TestClient.code(c.rpc("auth", "{\"token\":\"tok-bbbbbbbbbbbbbbbb\"}")));
    JsonObject ok = c.rpc("auth", "{\"token\":\"tok-aaaaaaaaaaaaaaaa\"}").getAsJsonObject("result");
    assertEquals("token-1", ok.get("principal").getAsString());
  }

  @Test
  void sharesOneTokenVerifierBetweenHandshakeAndAuthMessages() throws Exception {
    AuthValidator.TokenVerifier verifier = (token, request) -> CompletableFuture.completedFuture(
        token.startsWith("user:") ? Principal.of(token.substring(5)) : Rejection.unauthorized("no"));
    rpc(Gateway.builder().authValidator(AuthValidator.anyOf(AuthValidator.bearer(verifier),
            AuthValidator.none()))
        .messageAuth(CredentialsValidator.verifier(verifier)));
    TestClient viaHeader = TestClient.connect(gateway, Headers.of("Authorization", "Bearer user:carol"));
    assertEquals("carol", viaHeader.rpc("connect", null).getAsJsonObject("result")
        .get("principal").getAsString());
    TestClient viaMessage = TestClient.connect(gateway);
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(viaMessage.rpc("stats", null)));
    JsonObject ok = viaMessage.rpc("auth", "{\"token\":\"user:dave\"}").getAsJsonObject("result");
    assertEquals("dave", ok.get("principal").getAsString());
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(
        TestClient.connect(gateway).rpc("auth", "{\"password\":\"user:eve\"}")));
  }

  @Test
  void answersAuthWithoutTokenOrPasswordWithInvalidParams() throws Exception {
    rpc(Gateway.builder().messageAuth(CredentialsValidator.token(TOKEN, Principal.of("ui"))));
    TestClient c = TestClient.connect(gateway);
    assertEquals(ErrorCodes.INVALID_PARAMS, TestClient.code(c.rpc("auth", "{}")));
  }

  @Test
  void failsClosedWhenTheValidatorThrows() throws Exception {
    rpc(Gateway.builder().messageAuth((credentials, handshake) -> {
      throw new IllegalStateException("validator bug");
    }));
    TestClient c = TestClient.connect(gateway);
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(c.rpc("auth", "{\"token\":\"t\"}")));
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(c.rpc("stats", null)));
  }

  @Test
  void failsClosedWhenTheValidatorNeverAnswers() throws Exception {
    rpc(Gateway.builder()
        .limits(Gateway.DEFAULT_LIMITS.toBuilder().handshakeTimeout(Duration.ofMillis(50)).build())
        .messageAuth((credentials, handshake) -> new CompletableFuture<>()));
    TestClient c = TestClient.connect(gateway);
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(c.rpc("auth", "{\"token\":\"t\"}")));
    assertFalse(gateway.clients().get(0).authenticated());
  }

  @Test
  void closesUnauthenticatedClientWith4401AfterTheAuthTimeout() throws Exception {
    CompletableFuture<ClientInfo> gone = new CompletableFuture<>();
    rpc(Gateway.builder().messageAuth(CredentialsValidator.token(TOKEN, Principal.of("ui")))
        .authTimeout(Duration.ofMillis(50))
        .listener(new GatewayListener() {
          @Override
          public void clientDisconnected(ClientInfo client, int code, String reason) {
            gone.complete(client);
          }
        }));
    TestClient c = TestClient.connect(gateway);
    FakeChannel.Close close = c.channel.awaitClose();
    assertEquals(Gateway.CLOSE_AUTH_TIMEOUT, close.code());
    assertEquals(4401, close.code());
    assertFalse(gone.get(5, java.util.concurrent.TimeUnit.SECONDS).authenticated());
    assertTrue(gateway.clients().isEmpty());
  }

  @Test
  void keepsAuthenticatedClientOpenPastTheAuthTimeout() throws Exception {
    // long enough for the first client to authenticate even on a loaded machine
    rpc(Gateway.builder().messageAuth(CredentialsValidator.token(TOKEN, Principal.of("ui")))
        .authTimeout(Duration.ofSeconds(1)));
    TestClient authed = TestClient.connect(gateway);
    authed.rpc("auth", "{\"token\":\"" + TOKEN + "\"}");
    TestClient idle = TestClient.connect(gateway);
    idle.channel.awaitClose(); // the second client's deadline has passed, so the first one's has too
    assertFalse(authed.channel.closed.isDone());
    assertEquals(1, gateway.clients().size());
  }

  @Test
  void closesClientAfterTooManyFailedAttempts() throws Exception {
    rpc(Gateway.builder().messageAuth(CredentialsValidator.token(TOKEN, Principal.of("ui")))
        .maxAuthFailures(2));
    TestClient c = TestClient.connect(gateway);
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(c.rpc("auth", "{\"token\":\"a\"}")));
    assertFalse(c.channel.closed.isDone());
    assertEquals(ErrorCodes.NOT_AUTHENTICATED, TestClient.code(c.rpc("auth", "{\"token\":\"b\"}")));
    assertEquals(Gateway.CLOSE_AUTH_FAILED, c.channel.awaitClose().code());
  }

  @Test
  void credentialsNeverShowTheirSecret() {
    assertFalse(new Credentials.Token("abc123").toString().contains("abc123"));
    assertFalse(new Credentials.Password("u", "pw-xyz").toString().contains("pw-xyz"));
  }
}
