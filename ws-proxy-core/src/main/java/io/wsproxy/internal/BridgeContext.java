package io.wsproxy.internal;

import io.wsproxy.ConnectMode;
import io.wsproxy.ConnectionGroup;
import io.wsproxy.Limits;
import io.wsproxy.ProxyListener;
import io.wsproxy.spi.UpstreamConnector;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every {@link Bridge} of one proxy shares. Immutable (the id counter aside).
 *
 * @param upstreamFailureCloseCode the proxy's upstream-failure code, for routes that do not name one
 * @param defaultMode the proxy's connect mode, for routes that do not name one
 */
public record BridgeContext(UpstreamConnector connector, Limits limits, ProxyListener listener,
    Scheduler scheduler, int upstreamFailureCloseCode, ConnectionGroup connections,
    ConnectMode defaultMode, AtomicLong ids) {}
