package io.wsproxy.routing;

import static io.wsproxy.routing.Requests.resolve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsproxy.ConnectionGroup;
import io.wsproxy.Route;
import io.wsproxy.routing.Requests.FakeConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {

  private static final String ENDED = "1001 Session ended";

  private final SessionRegistry registry = SessionRegistry.create(
      PublicUrls.builder().publicDomain("sandbox.example.com").build());
  private final SessionRoutes routes = registry.routes();
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private static Session session(String id, int port) {
    return Session.builder().id(id).host("10.0.0.5").expose(port).build();
  }

  @Test
  void registeringMakesTheRoutesLiveAndReturnsFrozenUrls() {
    assertSame(SessionRoutes.SESSION_NOT_FOUND, resolve(routes, "/s/abc/ws"));
    RegisteredSession s = registry.register(session("abc", 9001));
    assertEquals("wss://sandbox.example.com/s/abc/ws/",
        s.urls().forPort(9001).orElseThrow().path().ws().toString());
    assertEquals("ws://10.0.0.5:9001/x", Requests.upstream(routes, "/s/abc/ws/x"));
    assertEquals(Set.of("abc"), registry.ids());
    assertSame(s, registry.get("abc").orElseThrow());
  }

  @Test
  void endClosesLiveConnectionsWith1001AndUnregisters() {
    registry.register(session("abc", 9001));
    Route route = Requests.route(routes, "/s/abc/ws");
    FakeConnection a = FakeConnection.openOn(route);
    FakeConnection b = FakeConnection.openOn(route);
    assertEquals(2, registry.get("abc").orElseThrow().liveConnections());

    assertTrue(registry.end("abc"));

    assertEquals(List.of(ENDED), a.closes());
    assertEquals(List.of(ENDED), b.closes());
    assertSame(SessionRoutes.SESSION_NOT_FOUND, resolve(routes, "/s/abc/ws"));
    assertTrue(registry.get("abc").isEmpty());
    assertEquals(0, route.group().size());
    assertFalse(registry.end("abc"));
  }

  @Test
  void aConnectionWhoseHandshakeRacedTheEndIsClosedWhenItJoins() {
    registry.register(session("abc", 9001));
    Route resolvedBeforeEnd = Requests.route(routes, "/s/abc/ws");
    registry.end("abc");

    FakeConnection late = FakeConnection.openOn(resolvedBeforeEnd);

    assertEquals(List.of(ENDED), late.closes());
    assertEquals(0, resolvedBeforeEnd.group().size());
  }

  @Test
  void aConnectionThatClosedOnItsOwnIsNotClosedAgain() {
    registry.register(session("abc", 9001));
    Route route = Requests.route(routes, "/s/abc/ws");
    FakeConnection gone = FakeConnection.openOn(route);
    route.group().leave(gone);
    registry.end("abc");
    assertEquals(List.of(), gone.closes());
  }

  @Test
  void reRegisteringChangesNewConnectionsOnlyAndEndStillClosesTheOldOnes() {
    registry.register(session("abc", 9001));
    Route oldRoute = Requests.route(routes, "/s/abc/ws/x");
    FakeConnection old = FakeConnection.openOn(oldRoute);

    RegisteredSession again = registry.register(session("abc", 9009));
    Route newRoute = Requests.route(routes, "/s/abc/ws/x");
    FakeConnection fresh = FakeConnection.openOn(newRoute);

    assertEquals("ws://10.0.0.5:9001/x", oldRoute.upstream().toString());
    assertEquals("ws://10.0.0.5:9009/x", newRoute.upstream().toString());
    assertEquals(List.of(), old.closes(), "re-registering must not close open connections");
    assertEquals(9009, again.urls().urls().get(0).exposure().port());
    assertEquals(2, again.liveConnections());

    registry.end("abc");

    assertEquals(List.of(ENDED), old.closes());
    assertEquals(List.of(ENDED), fresh.closes());
  }

  @Test
  void registeringAgainAfterEndStartsANewGroup() {
    registry.register(session("abc", 9001));
    ConnectionGroup first = Requests.route(routes, "/s/abc/ws").group();
    registry.end("abc");
    registry.register(session("abc", 9001));
    Route route = Requests.route(routes, "/s/abc/ws");
    assertNotSame(first, route.group());
    FakeConnection c = FakeConnection.openOn(route);
    assertEquals(List.of(), c.closes());
  }

  @Test
  void aGroupClosedFromOutsideIsReplacedOnReRegistration() {
    RegisteredSession s = registry.register(session("abc", 9001));
    s.session().connections().closeAll(1001, "closed by hand");
    registry.register(session("abc", 9001));
    FakeConnection c = FakeConnection.openOn(Requests.route(routes, "/s/abc/ws"));
    assertEquals(List.of(), c.closes());
  }

  @Test
  void endAllClosesEverySession() {
    registry.register(session("a", 1));
    registry.register(session("b", 2));
    FakeConnection a = FakeConnection.openOn(Requests.route(routes, "/s/a/ws"));
    FakeConnection b = FakeConnection.openOn(Requests.route(routes, "/s/b/ws"));
    assertEquals(2, registry.endAll());
    assertEquals(List.of(ENDED), a.closes());
    assertEquals(List.of(ENDED), b.closes());
    assertTrue(registry.ids().isEmpty());
  }

  @Test
  void reRegistersAModifiedCopyOfTheRegisteredSession() {
    RegisteredSession first = registry.register(session("abc", 9001));
    FakeConnection old = FakeConnection.openOn(Requests.route(routes, "/s/abc/ws"));
    Session changed = first.session().toBuilder().expose(9002, "/api").build();
    RegisteredSession second = registry.register(changed);
    assertSame(first.session().connections(), second.session().connections());
    assertEquals("ws://10.0.0.5:9002/api", Requests.upstream(routes, "/s/abc/ws/api"));
    registry.end("abc");
    assertEquals(List.of(ENDED), old.closes());
  }

  @Test
  void refusesASessionThatAlreadyHasAGroup() {
    Session withGroup = session("abc", 1).toBuilder().connections(new ConnectionGroup()).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> registry.register(withGroup));
    assertTrue(e.getMessage().startsWith("session.connections"), e.getMessage());
  }

  /**
   * Registers and ends one session over and over while another thread opens connections on
   * whatever route it resolves: every connection must end up closed by an end(), none may stay
   * open in a group the registry no longer knows.
   */
  @Test
  void noConnectionOutlivesItsSessionUnderConcurrentRegisterEndAndJoin() throws Exception {
    int rounds = 2000;
    CountDownLatch start = new CountDownLatch(1);
    Future<?> lifecycle = pool.submit(() -> {
      start.await();
      for (int i = 0; i < rounds; i++) {
        registry.register(session("abc", 9000 + (i % 3)));
        if (i % 2 == 1) {
          registry.end("abc");
        }
      }
      registry.end("abc");
      return null;
    });
    Future<List<FakeConnection>> opener = pool.submit(() -> {
      start.await();
      List<FakeConnection> opened = new ArrayList<>();
      while (!lifecycle.isDone()) {
        if (routes.resolve(Requests.request("/s/abc/ws"), io.wsproxy.Principal.ANONYMOUS)
            instanceof Route r) {
          opened.add(FakeConnection.openOn(r));
        }
      }
      return opened;
    });
    start.countDown();
    lifecycle.get(30, TimeUnit.SECONDS);
    List<FakeConnection> opened = opener.get(30, TimeUnit.SECONDS);
    for (FakeConnection c : opened) {
      assertEquals(List.of(ENDED), c.closes());
    }
    assertTrue(registry.ids().isEmpty());
  }
}
