package io.wsproxy.internal;

import io.wsproxy.Limits;
import io.wsproxy.Rejection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open connections, in total and per client address. A connection holds a {@link Permit} from
 * {@link #tryAcquire} until it closes; {@link #check} answers the same question without reserving,
 * so a handshake can be refused with an HTTP 429 before any permit exists.
 *
 * <p>Thread-safe and lock-free: the total is an atomic counter, per-address counts live in a
 * concurrent map whose entry is removed when its count returns to zero, so the map only holds
 * addresses with open connections. Releasing a permit twice is harmless.
 */
public final class ConnectionLimiter {

  /** Reason sent when the proxy as a whole is full. */
  public static final String TOO_MANY_CONNECTIONS = "Too many connections";
  /** Reason sent when one client address holds its maximum. */
  public static final String TOO_MANY_FROM_ADDRESS = "Too many connections from this address";

  private static final Rejection GLOBAL = Rejection.tooManyRequests(TOO_MANY_CONNECTIONS);
  private static final Rejection PER_ADDRESS = Rejection.tooManyRequests(TOO_MANY_FROM_ADDRESS);

  private final int maxConnections;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

  /** @param maxPerAddress the per-address cap; 0 for none */
  public ConnectionLimiter(int maxConnections, int maxPerAddress) {
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
    }
    if (maxPerAddress < 0) {
      throw new IllegalArgumentException("maxConnectionsPerAddress must not be negative: "
          + maxPerAddress);
    }
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress == 0 ? Integer.MAX_VALUE : maxPerAddress;
  }

  /** A limiter with {@link Limits#maxConnections()} and {@link Limits#maxConnectionsPerAddress()}. */
  public static ConnectionLimiter of(Limits limits) {
    return new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerAddress());
  }

  /**
   * A limiter whose total cap also fits the process's descriptor limit, for connections holding
   * {@code descriptorsPerConnection} each (see {@link DescriptorBudget}).
   */
  public static ConnectionLimiter fitted(Limits limits, int descriptorsPerConnection,
      String what) {
    return new ConnectionLimiter(
        DescriptorBudget.fit(limits.maxConnections(), descriptorsPerConnection, what),
        limits.maxConnectionsPerAddress());
  }

  /** The total cap enforced. */
  public int maxConnections() {
    return maxConnections;
  }

  /** What {@link #tryAcquire} answers: a {@link Permit} or a {@link Refused}. */
  public sealed interface Admission permits Permit, Refused {}

  /** The connection was refused: 429 / 4429 with a reason saying which cap was hit. */
  public record Refused(Rejection rejection) implements Admission {}

  /** One admitted connection; {@link #release()} (or {@link #close()}) when it closes. */
  public final class Permit implements Admission, AutoCloseable {
    private final String address;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(String address) {
      this.address = address;
    }

    /** Gives the slot back; only the first call counts. */
    public void release() {
      if (released.compareAndSet(false, true)) {
        decrement(address);
        total.decrementAndGet();
      }
    }

    @Override
    public void close() {
      release();
    }
  }

  /**
   * Whether a connection from {@code clientAddress} would be admitted now, without reserving a slot:
   * {@code null} if so, else the rejection. Advisory: a later {@link #tryAcquire} may still refuse.
   */
  public Rejection check(String clientAddress) {
    Objects.requireNonNull(clientAddress, "clientAddress");
    if (perAddress.getOrDefault(clientAddress, 0) >= maxPerAddress) {
      return PER_ADDRESS;
    }
    return total.get() >= maxConnections ? GLOBAL : null;
  }

  /** Reserves a slot for a connection from {@code clientAddress}, or says which cap refuses it. */
  public Admission tryAcquire(String clientAddress) {
    Objects.requireNonNull(clientAddress, "clientAddress");
    boolean[] admitted = {false};
    perAddress.compute(clientAddress, (k, n) -> {
      int count = n == null ? 0 : n;
      if (count >= maxPerAddress) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (!admitted[0]) {
      return new Refused(PER_ADDRESS);
    }
    int current;
    do {
      current = total.get();
      if (current >= maxConnections) {
        decrement(clientAddress);
        return new Refused(GLOBAL);
      }
    } while (!total.compareAndSet(current, current + 1));
    return new Permit(clientAddress);
  }

  private void decrement(String address) {
    perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Open connections holding a permit. */
  public int openConnections() {
    return total.get();
  }

  /** Open connections from {@code clientAddress}. */
  public int openConnections(String clientAddress) {
    return perAddress.getOrDefault(clientAddress, 0);
  }

  /** Number of addresses with at least one open connection (entries kept in memory). */
  public int trackedAddresses() {
    return perAddress.size();
  }

  @Override
  public String toString() {
    return "ConnectionLimiter{open=" + total.get() + "/" + maxConnections + ", perAddress="
        + maxPerAddress + ", addresses=" + perAddress.size() + "}";
  }
}
