package io.wsproxy.examples;

import io.wsproxy.ConnectionInfo;
import io.wsproxy.ConnectionSummary;
import io.wsproxy.HandshakeRequest;
import io.wsproxy.Principal;
import io.wsproxy.ProxyListener;
import io.wsproxy.Rejection;
import io.wsproxy.gateway.ClientInfo;
import io.wsproxy.gateway.GatewayListener;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI's access log: one line per proxied connection when it ends, one per refused handshake,
 * one per failed upstream dial, and one per gateway client when it leaves, on the SLF4J logger
 * {@value #LOGGER} at INFO, as {@code key=value} text or JSON lines. Refusals and failures are
 * limited to {@value #REFUSALS_PER_SECOND} lines a second (bursts of {@value #REFUSAL_BURST}),
 * connection lines to {@value #CONNECTIONS_PER_SECOND}; what is dropped is counted in a
 * {@code suppressed} line. Query parameters that look like credentials are redacted; the proxy has
 * already removed the ones its auth validator reads. Thread-safe.
 */
final class AccessLog implements ProxyListener, GatewayListener {

  /** The logger name operators filter or route on. */
  static final String LOGGER = "io.wsproxy.access";
  static final int REFUSALS_PER_SECOND = 20;
  static final int REFUSAL_BURST = 100;
  static final int CONNECTIONS_PER_SECOND = 500;
  static final int CONNECTION_BURST = 2000;
  static final String REDACTED = "REDACTED";

  /** Parameter names whose values are secrets: tokens, keys, passwords, signatures, codes. */
  private static final Pattern SENSITIVE = Pattern.compile(
      ".*(token|key|secret|pass|auth|sig|jwt|credential|session|ticket|code).*");

  /** Test hook: extra receivers of what {@link #toSlf4j} loggers write. */
  private static final List<Consumer<String>> TAPS = new CopyOnWriteArrayList<>();

  /** How lines are written. */
  enum Format { TEXT, JSON }

  private final boolean json;
  private final Consumer<String> sink;
  private final LineRateLimit refusals;
  private final LineRateLimit connections;

  AccessLog(Format format, Consumer<String> sink, LongSupplier nanoTime) {
    this.json = format == Format.JSON;
    this.sink = sink;
    this.refusals = new LineRateLimit(REFUSALS_PER_SECOND, REFUSAL_BURST, nanoTime);
    this.connections = new LineRateLimit(CONNECTIONS_PER_SECOND, CONNECTION_BURST, nanoTime);
  }

  /** An access log writing to the {@value #LOGGER} logger at INFO. */
  static AccessLog toSlf4j(Format format) {
    Logger log = LoggerFactory.getLogger(LOGGER);
    return new AccessLog(format, line -> {
      log.info(line); // no arguments: SLF4J takes it as it is, "{}" in a path included
      if (!TAPS.isEmpty()) {
        TAPS.forEach(t -> t.accept(line));
      }
    }, System::nanoTime);
  }

  /**
   * For tests: every line an access log made by {@link #toSlf4j} writes also goes to {@code tap}
   * until the answer is closed (logging levels aside).
   */
  static AutoCloseable tap(Consumer<String> tap) {
    TAPS.add(tap);
    return () -> TAPS.remove(tap);
  }

  @Override
  public void handshakeRejected(HandshakeRequest request, Rejection rejection) {
    long dropped = refusals.acquire();
    if (dropped < 0) {
      return;
    }
    InetSocketAddress peer = request.remoteAddress();
    emit(dropped, "refusals", line("refused")
        .add("peer", peer.getAddress() != null ? peer.getAddress().getHostAddress()
            : peer.getHostString())
        .add("path", redact(request.pathAndQuery()))
        .add("status", rejection.httpStatus())
        .add("close_code", rejection.closeCode())
        .add("reason", rejection.reason()));
  }

  @Override
  public void upstreamFailed(ConnectionInfo c, Throwable cause) {
    long dropped = refusals.acquire();
    if (dropped < 0) {
      return;
    }
    emit(dropped, "refusals", about(line("upstream_failed"), c)
        .add("cause", cause.toString())); // the message only: a dial failure is no bug here
  }

  @Override
  public void connectionClosed(ConnectionInfo c, ConnectionSummary s) {
    long dropped = connections.acquire();
    if (dropped < 0) {
      return; // over the rate: the line is not even made
    }
    emit(dropped, "connections", about(line("connection"), c)
        .add("principal", name(c.principal()))
        .add("subprotocol", s.subprotocol())
        .add("opened", s.opened())
        .add("duration_ms", s.duration().toMillis())
        .add("msgs_to_upstream", s.messagesToUpstream())
        .add("bytes_to_upstream", s.bytesToUpstream())
        .add("msgs_to_client", s.messagesToClient())
        .add("bytes_to_client", s.bytesToClient())
        .add("client_code", s.clientCode())
        .add("client_reason", s.clientReason())
        .add("upstream_code", s.upstreamCode())
        .add("upstream_reason", s.upstreamReason())
        .add("end", s.reason()));
  }

  @Override
  public void clientDisconnected(ClientInfo client, int code, String reason) {
    // the client id is left out: it is an unguessable handle, not for a log
    long dropped = connections.acquire();
    if (dropped < 0) {
      return;
    }
    emit(dropped, "connections", line("gateway_client")
        .add("client", client.clientAddress())
        .add("principal", name(client.principal()))
        .add("authenticated", client.authenticated())
        .add("sessions", client.sessions().size())
        .add("duration_ms", Math.max(0,
            Duration.between(client.connectedAt(), Instant.now()).toMillis()))
        .add("code", code)
        .add("reason", reason));
  }

  /**
   * {@code pathAndQuery} with the value of every query parameter whose name looks like a credential
   * replaced by {@value #REDACTED}.
   */
  static String redact(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return pathAndQuery;
    }
    StringBuilder out = new StringBuilder(pathAndQuery.length()).append(pathAndQuery, 0, q + 1);
    String[] params = pathAndQuery.substring(q + 1).split("&", -1);
    for (int i = 0; i < params.length; i++) {
      String p = params[i];
      int eq = p.indexOf('=');
      String name = eq < 0 ? p : p.substring(0, eq);
      if (i > 0) {
        out.append('&');
      }
      if (eq >= 0 && SENSITIVE.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
        out.append(name).append('=').append(REDACTED);
      } else {
        out.append(p);
      }
    }
    return out.toString();
  }

  /** The fields that say which connection a line is about. */
  private static LogLine about(LogLine line, ConnectionInfo c) {
    return line.add("id", c.id())
        .add("client", c.clientAddress())
        .add("path", redact(c.path()))
        .add("upstream", redact(String.valueOf(c.upstream())));
  }

  private LogLine line(String event) {
    return new LogLine(json, event);
  }

  /**
   * Writes {@code line}, after a {@code suppressed} line when {@code dropped} lines of {@code kind}
   * were left out before it ({@link LineRateLimit#acquire}, taken before the line was made).
   */
  private void emit(long dropped, String kind, LogLine line) {
    if (dropped > 0) {
      sink.accept(line("suppressed").add("kind", kind).add("lines", dropped).toString());
    }
    sink.accept(line.toString());
  }

  private static String name(Principal p) {
    return p == null ? null : p.name();
  }
}
