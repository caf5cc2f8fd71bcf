package io.wsproxy.examples;

import io.wsproxy.gateway.Call;
import io.wsproxy.gateway.ErrorCodes;
import io.wsproxy.gateway.Gateway;
import io.wsproxy.gateway.GatewayException;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.javawebsocket.JavaWebSocketEndpointServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JSON-RPC gateway embedded in an application, with two methods of its own next to the built-in
 * ones (sessions, presence, health, agents):
 *
 * <ul>
 *   <li>{@value #ADD_METHOD} {@code {a, b}} → {@code {sum}}: a <b>typed handler</b>. The params
 *       arrive as a record converted by Gson; a missing member is answered with the error
 *       {@link ErrorCodes#INVALID_PARAMS} by throwing a {@link GatewayException}.</li>
 *   <li>{@value #REPORT_METHOD} {@code {name, parts}} → {@code {name, parts, builtOn}}: an
 *       <b>asynchronous handler</b>. It returns a {@code CompletableFuture} at once, so the transport
 *       thread is free while the work runs on the application's own executor; along the way it
 *       pushes {@value #PROGRESS_EVENT} events {@code {name, part, of}} to the caller, and the reply
 *       goes out when the future completes.</li>
 * </ul>
 *
 * <pre>
 * → {"jsonrpc":"2.0","id":1,"method":"math.add","params":{"a":2,"b":3}}
 * ← {"jsonrpc":"2.0","id":1,"result":{"sum":5.0}}
 * → {"jsonrpc":"2.0","id":2,"method":"report.build","params":{"name":"q3","parts":2}}
 * ← {"event":"report.progress","data":{"name":"q3","part":1,"of":2}}
 * ← {"event":"report.progress","data":{"name":"q3","part":2,"of":2}}
 * ← {"jsonrpc":"2.0","id":2,"result":{"name":"q3","parts":2,"builtOn":"report-worker"}}
 * </pre>
 *
 * <p>The gateway is served by a {@link JavaWebSocketEndpointServer}; a host with its own Java-WebSocket server
 * serves it through a {@code JavaWebSocketAdapter} instead, exactly as in
 * {@link EmbedInYourWebSocketServer}.
 *
 * <p>Run it: {@code java -cp ws-proxy.jar io.wsproxy.examples.EmbeddedGateway [PORT]}.
 *
 * <p><b>Threading.</b> Handlers run on the transport thread that delivered the message, concurrently
 * for different clients: they must be thread-safe and must not block. {@link Call#push} may be
 * called from any thread.
 */
public final class EmbeddedGateway implements AutoCloseable {

  /** The typed method. */
  public static final String ADD_METHOD = "math.add";
  /** The asynchronous method. */
  public static final String REPORT_METHOD = "report.build";
  /** The event {@value #REPORT_METHOD} pushes for each part. */
  public static final String PROGRESS_EVENT = "report.progress";
  /** Most parts a report may have: 10. */
  public static final int MAX_REPORT_PARTS = 10;
  /** The name of the thread reports are built on. */
  public static final String WORKER_THREAD = "report-worker";

  /** Params of {@value #ADD_METHOD}; boxed so a missing member is {@code null}, not 0. */
  record AddParams(Double a, Double b) {}

  /** The result of {@value #ADD_METHOD}. */
  record Sum(double sum) {}

  /** Params of {@value #REPORT_METHOD}. */
  record ReportParams(String name, int parts) {}

  /** The {@value #PROGRESS_EVENT} event. */
  record Progress(String name, int part, int of) {}

  /** The result of {@value #REPORT_METHOD}. */
  record Report(String name, int parts, String builtOn) {}

  private final Gateway gateway;
  private final ExecutorService worker;
  private final JavaWebSocketEndpointServer server;

  private EmbeddedGateway(Gateway gateway, ExecutorService worker, JavaWebSocketEndpointServer server) {
    this.gateway = gateway;
    this.worker = worker;
    this.server = server;
  }

  /** Builds the gateway, registers the two methods and serves it on {@code address}. */
  public static EmbeddedGateway start(InetSocketAddress address) throws IOException {
    Gateway gateway = Gateway.builder().protocol(GatewayProtocol.JSON_RPC).build();
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, WORKER_THREAD);
      t.setDaemon(true);
      return t;
    });

    gateway.handle(ADD_METHOD, AddParams.class, call -> {
      AddParams p = call.params();
      if (p.a() == null || p.b() == null) {
        throw new GatewayException(ErrorCodes.INVALID_PARAMS, "a and b are required");
      }
      return new Sum(p.a() + p.b());
    });

    gateway.handle(REPORT_METHOD, ReportParams.class, call -> {
      ReportParams p = call.params();
      if (p.name() == null || p.parts() < 1 || p.parts() > MAX_REPORT_PARTS) {
        throw new GatewayException(ErrorCodes.INVALID_PARAMS,
            "name and parts (1 to " + MAX_REPORT_PARTS + ") are required");
      }
      return CompletableFuture.supplyAsync(() -> buildReport(call), worker);
    });

    try {
      return new EmbeddedGateway(gateway, worker, JavaWebSocketEndpointServer.start(address, gateway));
    } catch (IOException | RuntimeException e) {
      gateway.close();
      worker.shutdownNow();
      throw e;
    }
  }

  /**
   * The slow work, on the worker thread: a real application would render or query here. It stops
   * early when the caller cancels ({@code cancel {id}}) or disconnects.
   */
  private static Report buildReport(Call<ReportParams> call) {
    ReportParams p = call.params();
    for (int part = 1; part <= p.parts(); part++) {
      if (call.cancellation().isCancelled()) {
        throw new java.util.concurrent.CancellationException("the caller left");
      }
      call.push(PROGRESS_EVENT, new Progress(p.name(), part, p.parts()));
    }
    return new Report(p.name(), p.parts(), Thread.currentThread().getName());
  }

  /** The gateway, to reach its clients and sessions from application code. */
  public Gateway gateway() {
    return gateway;
  }

  /** The gateway's local URL. */
  public URI url() {
    return URI.create("ws://127.0.0.1:" + server.port());
  }

  /** Closes every client with 1001 Going Away and stops the server and the worker. */
  @Override
  public void close() {
    gateway.close();
    server.close();
    worker.shutdownNow();
  }

  /** Runs the example until Ctrl-C. */
  public static void main(String[] args) throws Exception {
    EmbeddedGateway app = start(Examples.loopback(args));
    System.out.println("gateway (JSON-RPC) on " + app.url() + "; send for example");
    System.out.println("  {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + ADD_METHOD
        + "\",\"params\":{\"a\":2,\"b\":3}}");
    System.out.println("  {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"" + REPORT_METHOD
        + "\",\"params\":{\"name\":\"q3\",\"parts\":2}}");
    Examples.runUntilStopped(app);
  }
}
