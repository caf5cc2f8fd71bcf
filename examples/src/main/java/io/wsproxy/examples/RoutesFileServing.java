package io.wsproxy.examples;

import io.wsproxy.AuthResult;
import io.wsproxy.AuthValidator;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Limits;
import io.wsproxy.Principal;
import io.wsproxy.WebSocketProxy;
import io.wsproxy.examples.cli.UsageException;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayBuilder;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.gateway.SessionGateways;
import io.wsproxy.routing.RegisteredSession;
import io.wsproxy.routing.RoutesChange;
import io.wsproxy.routing.RoutesFile;
import io.wsproxy.routing.RoutesFileWatcher;
import io.wsproxy.routing.SessionRegistry;
import io.wsproxy.routing.SessionRoutes;
import io.wsproxy.spi.WsEndpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code proxy --routes FILE}: the routes file, its reload on change and on SIGHUP, and the
 * per-session gateways its sessions ask for ({@code "gateway": {...}}), mounted at
 * {@code /s/{id}/gateway} in front of the proxy while their session is in the file.
 *
 * <p>A session's gateway takes the proxy's origin, auth and trusted-proxy settings, admits only the
 * principals the session admits ({@code owner}; others get the unknown-session answer), and
 * serves the demo chat (profile {@code rooms}) or the demo agent (profile {@code agent}) as the
 * {@code gateway} command does. Not thread-safe while starting; the reload runs on the watcher's
 * thread or the SIGHUP thread, one at a time.
 */
final class RoutesFileServing implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RoutesFileServing.class);

  private final RoutesFile file;
  private final SecurityFlags security;
  private final GatewayListener listener;
  private SessionGateways gateways;  // null without sessions
  private RoutesFileWatcher watcher; // null with --no-reload
  private AutoCloseable sighup;      // null when not installed

  private RoutesFileServing(RoutesFile file, SecurityFlags security, GatewayListener listener) {
    this.file = file;
    this.security = security;
    this.listener = listener;
  }

  /** Loads {@code path}; a bad file is a usage error naming the file and the field. */
  static RoutesFileServing load(String path, SecurityFlags security, GatewayListener listener)
      throws UsageException {
    try {
      return new RoutesFileServing(RoutesFile.load(Path.of(path)), security, listener);
    } catch (IOException e) {
      throw new UsageException("--routes " + path + " cannot be read: " + e);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage()); // names the file and the field
    }
  }

  RoutesFile file() {
    return file;
  }

  /**
   * What the server serves: the proxy, behind the session gateways when the file has sessions
   * (so a reload can add a gateway even if none is listed yet). Starts the listed gateways.
   */
  WsEndpoint endpoint(WebSocketProxy proxy) {
    if (file.sessions().isEmpty()) {
      return proxy;
    }
    gateways = SessionGateways.builder(this::gateway).fallback(proxy).build();
    file.sessionGateways().keySet().forEach(gateways::start);
    return gateways;
  }

  /**
   * Starts reloading on file changes and SIGHUP, reporting each reload on {@code out}.
   *
   * @throws IOException if the file's directory cannot be watched
   */
  void reloadOnChange(PrintStream out) throws IOException {
    watcher = RoutesFileWatcher.watch(file, new RoutesFileWatcher.Listener() {
      @Override
      public void changed(RoutesChange change) {
        apply(change);
        out.println("ws-proxy: routes reloaded from " + file.source() + ": " + change);
      }

      @Override
      public void failed(String problem) {
        out.println("ws-proxy: routes not reloaded, the previous routes stay: " + problem);
      }
    });
    Sighup.Installation hup = Sighup.onHangUp(watcher::reloadNow);
    sighup = hup.restore();
    out.println("  reload: when " + file.source() + " changes"
        + (hup.installed() ? ", and on SIGHUP" : " (not on SIGHUP: " + hup.whyNot() + ")"));
  }

  /** Ends the gateways of sessions that left or changed theirs, then starts the new ones. */
  private void apply(RoutesChange change) {
    if (gateways != null) {
      try {
        gateways.apply(change);
      } catch (RuntimeException e) {
        log.warn("A session gateway did not start: {}", e.toString());
      }
    }
  }

  /** The gateway of session {@code id}, as its {@code gateway} entry asks. */
  private Gateway gateway(String id) {
    RoutesFile.SessionGateway spec = file.sessionGateways().get(id);
    if (spec == null) {
      throw new IllegalStateException("session " + id + " has no gateway entry");
    }
    GatewayBuilder b = security.applyTo(Gateway.builder())
        .authValidator(sessionMembersOnly(id, security.authValidator()))
        .protocol(spec.protocol())
        .limits(gatewayLimits(security.limits()))
        .listener(listener);
    boolean agent = spec.profile().equals(RoutesFile.SessionGateway.AGENT);
    if (agent) {
      b.agentProfile(DemoAgent.profile());
    }
    Gateway g = b.build();
    if (!agent) {
      DemoChat.install(g);
    }
    return g;
  }

  /**
   * The gateway's message limit: its default, or half the proxy's if that is smaller, so the
   * gateway can answer an oversized message in-protocol before the transport's limit (the proxy's)
   * closes the connection.
   */
  static Limits gatewayLimits(Limits proxy) {
    int size = Math.min(Gateway.DEFAULT_MAX_MESSAGE_SIZE, Math.max(1, proxy.maxMessageSize() / 2));
    return proxy.toBuilder().maxFrameSize(size).maxMessageSize(size).build();
  }

  /** {@code auth}, and then the session's own access rule (its {@code owner}), read per handshake. */
  private AuthValidator sessionMembersOnly(String id, AuthValidator auth) {
    SessionRegistry sessions = file.sessions().orElseThrow();
    return new AuthValidator() {
      @Override
      public CompletionStage<AuthResult> validate(HandshakeRequest request) {
        return auth.validate(request).thenApply(result -> {
          if (result instanceof Principal p && !sessions.get(id).map(RegisteredSession::session)
              .map(s -> s.access().allows(p)).orElse(false)) {
            return SessionRoutes.SESSION_NOT_FOUND; // as for an unknown session: no probing
          }
          return result;
        });
      }

      @Override
      public HandshakeRequest withoutCredentials(HandshakeRequest request) {
        return auth.withoutCredentials(request);
      }
    };
  }

  /** Stops reloading and ends every session gateway (clients get 1001). */
  @Override
  public void close() {
    if (sighup != null) {
      try {
        sighup.close();
      } catch (Exception e) {
        log.debug("restoring the SIGHUP handler failed: {}", e.toString());
      }
    }
    if (watcher != null) {
      watcher.close();
    }
    if (gateways != null) {
      gateways.close();
    }
  }
}
