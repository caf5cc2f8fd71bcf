package io.wsproxy.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlockingWsTest {

  /** Reads one masked client frame: its opcode and unmasked payload (at most 125 bytes). */
  private static byte[] readClientFrame(DataInputStream in, int[] opcode) throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    opcode[0] = b0 & 0x0F;
    byte[] mask = new byte[4];
    in.readFully(mask);
    byte[] payload = new byte[b1 & 0x7F];
    in.readFully(payload);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= mask[i & 3];
    }
    return payload;
  }

  /** Skips the upgrade request's head. */
  private static void readHead(InputStream in) throws IOException {
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("no request head");
      }
      matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
  }

  @Test
  void anIdleConnectionAnswersAPingThatCameWhileNothingWasRead() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> pong = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          s.setSoTimeout(10_000);
          readHead(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              + "Connection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          out.write(new byte[] {(byte) 0x89, 2, 'h', 'i'}); // a keepalive ping, after the 101
          out.flush();
          int[] opcode = new int[1];
          byte[] payload = readClientFrame(new DataInputStream(s.getInputStream()), opcode);
          assertEquals(WsWire.PONG, opcode[0]);
          return payload;
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      BlockingWs ws = BlockingWs.open(server.getLocalPort(), null);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pong.isDone() && System.nanoTime() < deadline) {
          ws.answerPings(); // never blocks: reads only what has arrived
          try {
            pong.get(10, TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.TimeoutException notYet) {
            // the ping is still on its way
          }
        }
        assertTrue(pong.isDone(), "no pong within 10 s");
        assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), pong.get());
      } finally {
        ws.abort();
      }
    }
  }
}
