package io.wsproxy.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads a page in headless Chromium (Debian's {@code chromium} package) and answers the DOM it ends
 * with. The page is served by a tiny HTTP server on 127.0.0.1, port 0: {@code /} is the page,
 * {@code POST /result} takes the page's outcome, and {@code /wait} (an image the page embeds) is
 * answered only after that, so the page's load event, and Chromium's {@code --dump-dom}, come after
 * the outcome is in the DOM. Chromium then exits by itself.
 */
final class HeadlessChromium {

  /** Where Debian installs it ({@code apt-get install chromium}). */
  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path WORK = Path.of("target", "chromium").toAbsolutePath();
  /** Threads of the page server: {@code /wait} blocks one while {@code /result} needs another. */
  private static final int SERVER_THREADS = 4;

  private HeadlessChromium() {}

  /** Whether Chromium is installed here. */
  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** What a page load ended with: the page's own report and Chromium's dump of the DOM. */
  record Outcome(String reported, String dom) {}

  /**
   * Serves {@code html} and loads it in headless Chromium; fails if the page reports nothing or
   * Chromium does not exit within {@code timeout}.
   */
  static Outcome load(String html, Duration timeout) throws Exception {
    Files.createDirectories(WORK);
    Path profile = Files.createTempDirectory(WORK, "profile-");
    CompletableFuture<String> reported = new CompletableFuture<>();
    ExecutorService threads = Executors.newFixedThreadPool(SERVER_THREADS);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/", ex -> answer(ex, 200, "text/html; charset=utf-8", html));
    server.createContext("/favicon.ico", ex -> answer(ex, 404, "text/plain", ""));
    server.createContext("/result", ex -> {
      reported.complete(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      answer(ex, 204, "text/plain", null);
    });
    server.createContext("/wait", ex -> {
      try {
        reported.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // answer anyway: the test fails on the missing report, not on a hung browser
      }
      answer(ex, 204, "image/png", null);
    });
    server.start();
    Process chromium = null;
    try {
      chromium = new ProcessBuilder(List.of(BINARY.toString(), "--headless", "--no-sandbox",
          "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-proxy-server",
          "--user-data-dir=" + profile, "--dump-dom",
          "http://127.0.0.1:" + server.getAddress().getPort() + "/"))
          .redirectOutput(WORK.resolve("dom.html").toFile())
          .redirectError(WORK.resolve("chromium.log").toFile())
          .start();
      if (!chromium.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("Chromium did not finish within " + timeout + "; see "
            + WORK.resolve("chromium.log"));
      }
      String report;
      try {
        report = reported.get(0, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("the page reported nothing; DOM: "
            + Files.readString(WORK.resolve("dom.html")));
      }
      return new Outcome(report, Files.readString(WORK.resolve("dom.html")));
    } finally {
      if (chromium != null && chromium.isAlive()) {
        chromium.descendants().forEach(ProcessHandle::destroyForcibly);
        chromium.destroyForcibly();
      }
      server.stop(0);
      threads.shutdownNow();
      deleteQuietly(profile);
    }
  }

  /** Removes Chromium's profile directory; what cannot be removed stays under target/. */
  private static void deleteQuietly(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // left for mvn clean
    }
  }

  private static void answer(HttpExchange ex, int status, String type, String body)
      throws IOException {
    try (ex) {
      ex.getResponseHeaders().set("Content-Type", type);
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      if (body == null) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
