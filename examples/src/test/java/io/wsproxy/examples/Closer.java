package io.wsproxy.examples;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (servers, commands, clients), closed in reverse order after each test.
 * Register it with {@code @RegisterExtension final Closer open = new Closer();}.
 */
final class Closer implements AfterEachCallback {

  private final List<AutoCloseable> open = new ArrayList<>();

  /** Closes {@code resource} after the test; answers it. */
  synchronized <T extends AutoCloseable> T keep(T resource) {
    open.add(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<AutoCloseable> toClose;
    synchronized (this) {
      toClose = new ArrayList<>(open);
      open.clear();
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }
}
