package io.wsproxy.conformance;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** The core kit's package-private {@link ThreadLeaks}, opened to this module's tests. */
public final class JdkThreadLeaks {

  private JdkThreadLeaks() {}

  /** The threads alive now. */
  public static Set<Thread> snapshot() {
    return ThreadLeaks.snapshot();
  }

  /** Tracked threads ({@code ws-proxy-*} among them) alive now that were not in {@code before}. */
  public static List<Thread> startedSince(Set<Thread> before) {
    return ThreadLeaks.startedSince(before);
  }

  /** Re-checks {@code condition} until it holds or {@code timeout} passes. */
  public static boolean await(Duration timeout, BooleanSupplier condition) {
    return ThreadLeaks.await(timeout, condition);
  }
}
