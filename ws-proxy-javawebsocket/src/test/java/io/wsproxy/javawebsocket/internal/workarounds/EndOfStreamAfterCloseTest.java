package io.wsproxy.javawebsocket.internal.workarounds;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;

import io.wsproxy.javawebsocket.internal.GuardedFactory;
import io.wsproxy.javawebsocket.internal.StrictDraft;
import java.util.List;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.junit.jupiter.api.Test;

/**
 * The selector may read a client's end of stream after a worker closed the connection (a refused
 * upgrade); Java-WebSocket then dereferences the connection's null draft, and the exception stops
 * its whole server.
 */
class EndOfStreamAfterCloseTest {

  private final WebSocketAdapter listener = mock(WebSocketAdapter.class);
  private final List<Draft> drafts = List.of(new StrictDraft(1024, 1024));

  @Test
  void javaWebSocketFailsOnAnEndOfStreamAfterAConnectionClosedBeforeItsUpgrade() {
    WebSocketImpl stock = new WebSocketImpl(listener, drafts);
    stock.closeConnection(1000, "refused");
    assertThrows(NullPointerException.class, stock::eot); // the defect, as 1.6.0 has it
  }

  @Test
  void theModulesConnectionsIgnoreIt() {
    WebSocketImpl guarded = GuardedFactory.endOfStreamOnly(mock(WebSocketServerFactory.class))
        .createWebSocket(listener, drafts);
    guarded.closeConnection(1000, "refused");
    assertDoesNotThrow(guarded::eot);
  }
}
