package io.wsproxy.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsproxy.AuthValidator;
import io.wsproxy.CloseCodes;
import io.wsproxy.RejectionMode;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.routing.PublicUrls;
import io.wsproxy.routing.RegisteredSession;
import io.wsproxy.routing.Session;
import io.wsproxy.routing.SessionAccess;
import io.wsproxy.routing.SessionRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SessionRegistry} routes through the real proxy (issue 4): {@code /s/{id}/ws/...} reaches
 * the exposure that serves the path, unknown and forbidden sessions get the same answer, and the
 * session lifecycle reaches live connections.
 */
class SessionRoutingEndToEndTest {

  private static final String ALICE = "alice-token-0123456789";
  private static final String BOB = "bob-token-0123456789ab";
  private static final String DOMAIN = "proxy.example.com";

  private static SessionRegistry registry() {
    return SessionRegistry.create(PublicUrls.builder().publicDomain(DOMAIN).build());
  }

  /** A session on 127.0.0.1 serving {@code web} by default and {@code api} under {@code /api}. */
  private static Session session(String id, E2eBackend web, E2eBackend api) {
    return Session.builder().id(id).host("127.0.0.1")
        .expose(web.getPort()).expose(api.getPort(), "/api").build();
  }

  private static WebSocketProxy.Builder proxy(SessionRegistry sessions) {
    return WebSocketProxy.builder().routes(sessions.routes()).limits(E2eProxy.limits().build());
  }

  @Test
  void routesEachPathToTheExposureServingItWithPathAndQueryKept() throws Exception {
    SessionRegistry sessions = registry();
    try (E2eBackend web = E2eBackend.start("web");
        E2eBackend api = E2eBackend.start("api");
        E2eProxy proxy = E2eProxy.start(proxy(sessions))) {
      RegisteredSession s = sessions.register(session("abc", web, api));

      assertRoutes(proxy, "/s/abc/ws", web, "/");
      assertRoutes(proxy, "/s/abc/ws/app/main.js?v=1&x=%20y", web, "/app/main.js?v=1&x=%20y");
      assertRoutes(proxy, "/s/abc/ws/apix", web, "/apix");
      assertRoutes(proxy, "/s/abc/ws/api", api, "/api");
      assertRoutes(proxy, "/s/abc/ws/api/events?since=5", api, "/api/events?since=5");
      // the URL the registry hands out for the API port reaches it
      String published = s.urls().forPort(api.getPort()).orElseThrow().path().ws().getRawPath();
      assertEquals("/s/abc/ws/api", published);
      assertRoutes(proxy, published + "/x", api, "/api/x");
    }
  }

  private static void assertRoutes(E2eProxy proxy, String target, E2eBackend expected,
      String upstreamTarget) throws Exception {
    JdkClient client = proxy.jdk(target);
    assertEquals(expected.name + ":" + target, E2eProxy.roundTrip(client, target));
    assertEquals(upstreamTarget, expected.nextHandshake().target(), "upstream target of " + target);
  }

  @Test
  void routesSubdomainStyleHostsToTheSession() throws Exception {
    SessionRegistry sessions = registry();
    try (E2eBackend web = E2eBackend.start("web");
        E2eBackend api = E2eBackend.start("api");
        E2eProxy proxy = E2eProxy.start(proxy(sessions))) {
      sessions.register(session("abc", web, api));
      E2eRawClient client = proxy.raw("/api/x?y=1", "Host: s-abc." + DOMAIN);
      assertEquals(101, client.status());
      client.sendText("sub");
      assertEquals("api:sub", client.nextText());
      assertEquals("/api/x?y=1", api.nextHandshake().target());
    }
  }

  @Test
  void refusesPathsNoExposureServesAndTraversals() throws Exception {
    SessionRegistry sessions = registry();
    try (E2eBackend web = E2eBackend.start("web");
        E2eBackend api = E2eBackend.start("api");
        E2eProxy proxy = E2eProxy.start(proxy(sessions).rejectionMode(RejectionMode.CLOSE_CODE))) {
      sessions.register(Session.builder().id("apionly").host("127.0.0.1")
          .expose(api.getPort(), "/api").build());
      sessions.register(session("abc", web, api));
      E2eRawClient.Answer invalidPath = E2eRawClient.Answer.closed(4400, "Invalid path");

      assertEquals(E2eRawClient.Answer.closed(4404, "No exposed port for this path"),
          proxy.answer("/s/apionly/ws/other"));
      assertEquals(invalidPath, proxy.answer("/s/abc/ws/%2e%2e/admin"));
      assertEquals(invalidPath, proxy.answer("/s/abc/ws/api/..%2f..%2fadmin"));
      assertEquals(invalidPath, proxy.answer("/s/abc/ws/api/%252e%252e/x"));
      assertEquals(invalidPath, proxy.answer("/s/abc/ws/../apionly/ws/api"));
      assertEquals(E2eRawClient.Answer.closed(4400, "Invalid session id"),
          proxy.answer("/s/a.b/ws/x"));
      assertEquals(0, web.tcpConnections() + api.tcpConnections());
    }
  }

  @Test
  void answersUnknownAndForbiddenSessionsByteForByteAlikeWith404() throws Exception {
    assertUnknownAndForbiddenAnswerAlike(RejectionMode.HTTP_STATUS,
        E2eRawClient.Answer.http(404, "Session not found"));
  }

  @Test
  void answersUnknownAndForbiddenSessionsByteForByteAlikeWith4404() throws Exception {
    assertUnknownAndForbiddenAnswerAlike(RejectionMode.CLOSE_CODE,
        E2eRawClient.Answer.closed(4404, "Session not found"));
  }

  private static void assertUnknownAndForbiddenAnswerAlike(RejectionMode mode,
      E2eRawClient.Answer notFound) throws Exception {
    SessionRegistry sessions = registry();
    try (E2eBackend web = E2eBackend.start("web");
        E2eBackend api = E2eBackend.start("api");
        E2eProxy proxy = E2eProxy.start(proxy(sessions).rejectionMode(mode)
            .authValidator(AuthValidator.bearerTokens(ALICE, BOB)))) {
      sessions.register(session("owned", web, api).toBuilder()
          .access(SessionAccess.ownedBy("token-1")).build()); // ALICE's principal

      E2eRawClient forbidden = proxy.raw("/s/owned/ws/api", "Authorization: Bearer " + BOB);
      E2eRawClient unknown = proxy.raw("/s/other/ws/api", "Authorization: Bearer " + BOB);
      assertEquals(notFound, forbidden.answer());
      assertEquals(notFound, unknown.answer());
      assertEquals(unknown.receivedWithoutDate(), forbidden.receivedWithoutDate());
      assertEquals(0, web.tcpConnections() + api.tcpConnections());

      JdkClient owner = proxy.jdk("/s/owned/ws/api", Map.of("Authorization", "Bearer " + ALICE));
      assertEquals("api:mine", E2eProxy.roundTrip(owner, "mine"));
    }
  }

  @ParameterizedTest
  @EnumSource(E2eProxy.Connector.class)
  void endingASessionClosesItsLiveConnectionsWith1001OnBothSides(E2eProxy.Connector connector)
      throws Exception {
    SessionRegistry sessions = registry();
    try (E2eBackend web = E2eBackend.start("web");
        E2eBackend api = E2eBackend.start("api");
        E2eProxy proxy = E2eProxy.start(proxy(sessions), connector)) {
      RegisteredSession s = sessions.register(session("abc", web, api));
      JdkClient toWeb = proxy.jdk("/s/abc/ws/");
      JdkClient toApi = proxy.jdk("/s/abc/ws/api");
      assertEquals("web:w", E2eProxy.roundTrip(toWeb, "w"));
      assertEquals("api:a", E2eProxy.roundTrip(toApi, "a"));
      assertEquals(2, s.liveConnections());

      sessions.end("abc");

      CloseEvent ended = new CloseEvent(CloseCodes.GOING_AWAY, SessionRegistry.ENDED_REASON, true);
      assertEquals(ended, toWeb.awaitClose());
      assertEquals(ended, toApi.awaitClose());
      assertEquals(CloseCodes.GOING_AWAY, web.nextClose().code());
      assertEquals(SessionRegistry.ENDED_REASON, api.nextClose().reason());
      assertEquals(E2eRawClient.Answer.http(404, "Session not found"),
          proxy.answer("/s/abc/ws/"));
    }
  }

  @Test
  void reRegisteringChangesNewConnectionsOnlyUntilTheSessionEnds() throws Exception {
    SessionRegistry sessions = registry();
    try (E2eBackend web = E2eBackend.start("web");
        E2eBackend api = E2eBackend.start("api");
        E2eProxy proxy = E2eProxy.start(proxy(sessions))) {
      sessions.register(Session.builder().id("abc").host("127.0.0.1").expose(web.getPort())
          .build());
      JdkClient old = proxy.jdk("/s/abc/ws/");
      assertEquals("web:before", E2eProxy.roundTrip(old, "before"));

      sessions.register(Session.builder().id("abc").host("127.0.0.1").expose(api.getPort())
          .build());
      JdkClient fresh = proxy.jdk("/s/abc/ws/");
      assertEquals("api:new", E2eProxy.roundTrip(fresh, "new"));
      assertEquals("web:after", E2eProxy.roundTrip(old, "after"));
      assertEquals(1, web.tcpConnections());

      sessions.end("abc");
      assertEquals(CloseCodes.GOING_AWAY, old.awaitClose().code());
      assertEquals(CloseCodes.GOING_AWAY, fresh.awaitClose().code());
    }
  }
}
