package io.wsproxy.internal;

import io.wsproxy.ConnectionGroup;
import io.wsproxy.Limits;
import io.wsproxy.ProxyListener;
import io.wsproxy.spi.UpstreamConnector;

/** What every {@link Bridge} of one proxy shares. Immutable. */
public record BridgeContext(UpstreamConnector connector, Limits limits, ProxyListener listener,
    Scheduler scheduler, int upstreamFailureCloseCode, ConnectionGroup connections) {}
