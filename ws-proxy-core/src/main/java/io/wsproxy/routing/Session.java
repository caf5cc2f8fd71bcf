package io.wsproxy.routing;

import io.wsproxy.ConnectionGroup;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A sandbox session as the router sees it: an id, the upstream host its ports live on (a VM's guest
 * address, from configuration), the ports it exposes, who may use it, and the group its live
 * connections join. Immutable and thread-safe.
 *
 * <pre>{@code
 * Session s = Session.builder()
 *     .id("abc123")
 *     .host("10.0.0.5")              // the VM, never taken from a request
 *     .expose(5173)                  // default: every path no prefix claims
 *     .expose(8080, "/api")          // /api and /api/** go to 8080, prefix kept
 *     .access(SessionAccess.ownedBy("alice"))
 *     .build();
 * }</pre>
 *
 * <p>Hosts that keep sessions in their own store return these from a {@link SessionDirectory};
 * {@link SessionRegistry} keeps them in memory and manages their connection groups.
 */
public final class Session {

  /** Longest session id: 128 characters. */
  public static final int MAX_ID_LENGTH = 128;
  /** What a session id may hold: {@code [A-Za-z0-9_-]{1,128}}. */
  public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_ID_LENGTH + "}");

  private final String id;
  private final PortResolver ports;
  private final SessionAccess access;
  private final ConnectionGroup connections;

  private Session(Builder b, PortResolver ports) {
    this.id = b.id;
    this.ports = ports;
    this.access = b.access;
    this.connections = b.connections;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this session's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.ports = ports.toBuilder();
    b.access = access;
    b.connections = connections;
    return b;
  }

  /** Whether {@code id} is a valid session id (see {@link #ID_PATTERN}). */
  public static boolean isValidId(String id) {
    return id != null && ID_PATTERN.matcher(id).matches();
  }

  public String id() {
    return id;
  }

  /** The upstream host in URI form (IPv6 in brackets). */
  public String host() {
    return ports.host();
  }

  /** The exposed ports, in the order configured. */
  public List<Exposure> exposures() {
    return ports.exposures();
  }

  /** The resolver that picks this session's port for a path. */
  public PortResolver ports() {
    return ports;
  }

  /** Who may use this session. */
  public SessionAccess access() {
    return access;
  }

  /**
   * The group this session's connections join while open, or {@code null} when nobody tracks them.
   * {@link SessionRegistry} sets it; a custom {@link SessionDirectory} may set its own.
   */
  public ConnectionGroup connections() {
    return connections;
  }

  @Override
  public String toString() {
    return "Session{id=" + id + ", host=" + host() + ", exposures=" + exposures() + "}";
  }

  /** Builds a {@link Session}; not thread-safe. */
  public static final class Builder {
    private String id;
    private PortResolver.Builder ports = PortResolver.builder();
    private SessionAccess access = SessionAccess.ANYONE;
    private ConnectionGroup connections;

    private Builder() {}

    /** The session id; must match {@link #ID_PATTERN}. */
    public Builder id(String id) {
      Objects.requireNonNull(id, "id");
      if (!isValidId(id)) {
        throw new IllegalArgumentException("id must match " + ID_PATTERN.pattern() + ": " + id);
      }
      this.id = id;
      return this;
    }

    /** The upstream host (see {@link PortResolver.Builder#host}). */
    public Builder host(String host) {
      ports.host(host);
      return this;
    }

    /** Whether to dial the exposures over {@code wss://}; default false. */
    public Builder tls(boolean tls) {
      ports.tls(tls);
      return this;
    }

    /** Adds the default exposure of {@code port}. */
    public Builder expose(int port) {
      ports.expose(port);
      return this;
    }

    /** Adds {@code port}, serving {@code pathPrefix} and below. */
    public Builder expose(int port, String pathPrefix) {
      ports.expose(port, pathPrefix);
      return this;
    }

    /** Adds an exposure. */
    public Builder expose(Exposure exposure) {
      ports.expose(exposure);
      return this;
    }

    /** Replaces the exposures. */
    public Builder exposures(List<Exposure> exposures) {
      ports.exposures(exposures);
      return this;
    }

    /** The subprotocols this session's routes accept (e.g. {@code vite-hmr}). */
    public Builder subprotocols(List<String> accepted) {
      ports.subprotocols(accepted);
      return this;
    }

    /**
     * The close code this session's clients get when their upstream cannot be reached or drops;
     * {@code null} (the default) for the proxy's (see
     * {@link PortResolver.Builder#upstreamFailureCloseCode}).
     */
    public Builder upstreamFailureCloseCode(Integer code) {
      ports.upstreamFailureCloseCode(code);
      return this;
    }

    /** Who may use the session; default {@link SessionAccess#ANYONE}. */
    public Builder access(SessionAccess access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /** The group connections join; {@code null} for none. {@link SessionRegistry} sets its own. */
    public Builder connections(ConnectionGroup group) {
      this.connections = group;
      return this;
    }

    public Session build() {
      if (id == null) {
        throw new IllegalStateException("id is required");
      }
      return new Session(this, ports.build());
    }
  }
}
