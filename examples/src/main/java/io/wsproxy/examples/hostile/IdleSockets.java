package io.wsproxy.examples.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An attacker process of the idle-socket run: it opens {@code count} TCP connections to
 * {@code 127.0.0.1:port} that never send a byte, from source addresses {@code 127.0.0.<first>}
 * onwards ({@link #PER_SOURCE} each, so ephemeral ports do not run out), prints
 * {@code OPENED <n> FAILED <m> <first failure>}, and holds them until a line (or the end) arrives
 * on stdin. It then counts the connections the proxy had already closed, closes the rest and
 * prints {@code CLOSED <peer-closed> <still-open>}. A process of its own because each process may
 * hold only {@code ulimit -n} descriptors.
 *
 * <p>{@code java -cp ws-proxy.jar io.wsproxy.examples.hostile.IdleSockets PORT COUNT FIRST}
 */
public final class IdleSockets {

  /** Connections per source address. */
  static final int PER_SOURCE = 5_000;

  private IdleSockets() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    int first = Integer.parseInt(args[2]);
    List<SocketChannel> open = new ArrayList<>(count);
    int failed = 0;
    String firstFailure = "";
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
    for (int i = 0; i < count; i++) {
      SocketChannel ch = null;
      try {
        ch = SocketChannel.open();
        ch.bind(new InetSocketAddress("127.0.0." + (first + i / PER_SOURCE), 0));
        ch.connect(target); // blocking: completes from the proxy's accept backlog
        ch.configureBlocking(false);
        open.add(ch);
      } catch (IOException e) {
        failed++;
        if (firstFailure.isEmpty()) {
          firstFailure = e.toString();
        }
        if (ch != null) {
          ch.close();
        }
      }
    }
    System.out.println("OPENED " + open.size() + " FAILED " + failed + " " + firstFailure);
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    int peerClosed = 0;
    ByteBuffer one = ByteBuffer.allocate(512);
    for (SocketChannel ch : open) {
      try {
        one.clear();
        if (ch.read(one) != 0) { // -1: closed by the proxy; > 0: it answered something (a 408)
          peerClosed++;
        }
      } catch (IOException e) {
        peerClosed++; // reset by the proxy
      }
      ch.close();
    }
    System.out.println("CLOSED " + peerClosed + " " + (open.size() - peerClosed));
    System.out.flush();
  }
}
