package io.wsproxy.routing;

import io.wsproxy.CloseCodes;
import io.wsproxy.routing.internal.LiveEntries;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The ready, in-memory {@link SessionDirectory} with a lifecycle.
 *
 * <pre>{@code
 * SessionRegistry sessions = SessionRegistry.create(
 *     PublicUrls.builder().publicDomain("sandbox.example.com").build());
 * RegisteredSession s = sessions.register(Session.builder()
 *     .id("abc123").host("10.0.0.5").expose(5173).expose(8080, "/api").build());
 * s.urls().forPort(8080);          // wss://sandbox.example.com/s/abc123/ws/api, ...
 * RouteResolver routes = sessions.routes();
 * ...
 * sessions.end("abc123");          // its open connections close with 1001 "Session ended"
 * }</pre>
 *
 * <ul>
 *   <li><b>register</b> makes the session's routes live at once and returns its
 *       {@link ExposedUrls}, computed now and never changed afterwards.</li>
 *   <li><b>register again</b> (same id, new host or exposures) changes what <em>new</em> connections
 *       get. Open connections stay where they are, and stay members of the session's one
 *       {@link io.wsproxy.ConnectionGroup}: the group lives from the first registration to
 *       {@link #end}, so a later end closes old and new connections alike.</li>
 *   <li><b>end</b> removes the session and closes every open connection with
 *       {@value #ENDED_CLOSE_CODE} and {@value #ENDED_REASON}. A handshake that looked the session up
 *       just before is closed the moment its connection joins the (closed) group. Registering the id
 *       again afterwards starts a new group.</li>
 * </ul>
 *
 * <p>Thread-safe; nothing blocks except closing connections in {@link #end}, which runs on the
 * caller's thread and calls each connection's close (it does not wait for the close handshake).
 */
public final class SessionRegistry implements SessionDirectory {

  /** Close code for connections of an ended session: 1001 Going Away. */
  public static final int ENDED_CLOSE_CODE = CloseCodes.GOING_AWAY;
  /** Close reason for connections of an ended session. */
  public static final String ENDED_REASON = "Session ended";

  private final PublicUrls urls;
  private final LiveEntries<RegisteredSession> sessions = new LiveEntries<>();

  private SessionRegistry(PublicUrls urls) {
    this.urls = urls;
  }

  /** An empty registry whose sessions get URLs from {@code urls}. */
  public static SessionRegistry create(PublicUrls urls) {
    return new SessionRegistry(Objects.requireNonNull(urls, "urls"));
  }

  /**
   * Registers (or re-registers) a session and returns it with its frozen URLs. The session's
   * {@link Session#connections()} must be {@code null}, or the group this registry already gave the
   * id (as in a {@code toBuilder()} copy of the registered session).
   *
   * @throws IllegalArgumentException if the session carries some other connection group: the
   *                                  registry manages the group itself
   */
  public RegisteredSession register(Session session) {
    Objects.requireNonNull(session, "session");
    ExposedUrls exposed = urls.forSession(session);
    return sessions.put(session.id(), group -> {
      if (session.connections() == group) {
        return new RegisteredSession(session, exposed);
      }
      if (session.connections() != null) {
        throw new IllegalArgumentException("session.connections must be null: the registry"
            + " manages the connection group of session " + session.id());
      }
      return new RegisteredSession(session.toBuilder().connections(group).build(), exposed);
    }).value();
  }

  /**
   * Ends a session: unregisters it and closes its open connections with {@value #ENDED_CLOSE_CODE}
   * {@value #ENDED_REASON}.
   *
   * @return whether the session was registered
   */
  public boolean end(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    return sessions.remove(sessionId, ENDED_CLOSE_CODE, ENDED_REASON);
  }

  /** Ends every session (e.g. at shutdown); answers how many there were. */
  public int endAll() {
    return sessions.removeAll(ENDED_CLOSE_CODE, ENDED_REASON);
  }

  /** The registered session with this id. */
  public Optional<RegisteredSession> get(String sessionId) {
    LiveEntries.Entry<RegisteredSession> e = sessions.get(Objects.requireNonNull(sessionId, "id"));
    return e == null ? Optional.empty() : Optional.of(e.value());
  }

  @Override
  public Optional<Session> find(String sessionId) {
    return get(sessionId).map(RegisteredSession::session);
  }

  /** The ids of the registered sessions (a snapshot). */
  public Set<String> ids() {
    return sessions.keys();
  }

  /** The URL settings. */
  public PublicUrls publicUrls() {
    return urls;
  }

  /** A resolver for this registry's sessions that routes exactly the URLs it hands out. */
  public SessionRoutes routes() {
    return SessionRoutes.builder(this).publicUrls(urls).build();
  }
}
