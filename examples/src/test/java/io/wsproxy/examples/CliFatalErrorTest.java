package io.wsproxy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A CLI proxy that runs out of memory exits with {@link FatalErrorExit#EXIT_FATAL} and one ERROR
 * line, whichever server transport it runs on, instead of running on as a zombie. The proxy runs in
 * a child JVM with a 48 MiB heap and a 64 MiB message limit; a client announces a 64 MiB frame and
 * streams it, which the server cannot buffer.
 */
@Timeout(90)
class CliFatalErrorTest {

  static final String CHILD_HEAP = "-Xmx48m";
  static final int FRAME_BYTES = 64 * 1024 * 1024;
  static final Duration EXIT_WITHIN = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("listening on ws://[^\\s]+:(\\d+)");

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"netty", "javawebsocket"})
  void exitsWithCode70AndOneErrorLineWhenTheProxyRunsOutOfMemory(String server) throws Exception {
    try (Cli.Started echo = Cli.start(new EchoCommand(), "--listen", "127.0.0.1:0")) {
      Path err = dir.resolve("proxy-" + server + ".err");
      Process proxy = new ProcessBuilder(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), CHILD_HEAP,
          "-cp", System.getProperty("java.class.path"), Main.class.getName(), "proxy",
          "--listen", "127.0.0.1:0", "--route", "/=ws://127.0.0.1:" + echo.port(),
          "--server", server, "--max-message-size", String.valueOf(FRAME_BYTES)))
          .redirectError(err.toFile()).start();
      try {
        int port = awaitPort(proxy, err);
        sendHugeFrame(port);
        assertTrue(proxy.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS),
            () -> "the proxy still runs " + EXIT_WITHIN + " after running out of memory\n"
                + read(err));
        String log = read(err);
        assertEquals(FatalErrorExit.EXIT_FATAL, proxy.exitValue(), log);
        assertTrue(log.contains("ERROR io.wsproxy.examples.FatalErrorExit - fatal error in thread"),
            log);
        assertTrue(log.contains("OutOfMemoryError"), log);
      } finally {
        proxy.destroyForcibly();
      }
    }
  }

  private static int awaitPort(Process proxy, Path err) throws IOException {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the proxy did not start\n" + read(err));
  }

  /** Upgrades, then sends the head of one masked binary frame of FRAME_BYTES and streams it. */
  private static void sendHugeFrame(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(10_000);
      byte[] head = new byte[12];
      int n = s.getInputStream().read(head); // the 101 (connect-first: after the echo's)
      assertTrue(n > 0 && new String(head, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"),
          "no 101");
      byte[] frame = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0,
          (byte) (FRAME_BYTES >>> 24), (byte) (FRAME_BYTES >>> 16), (byte) (FRAME_BYTES >>> 8),
          (byte) FRAME_BYTES, 1, 2, 3, 4};
      out.write(frame);
      byte[] chunk = new byte[64 * 1024];
      for (int sent = 0; sent < FRAME_BYTES; sent += chunk.length) {
        out.write(chunk);
      }
    } catch (IOException e) {
      // the proxy died while we wrote: what this test waits for
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
