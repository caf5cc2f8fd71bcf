package io.wsproxy.gateway.internal;

import com.google.gson.Gson;
import io.wsproxy.Limits;
import io.wsproxy.gateway.CredentialsValidator;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.gateway.GatewayProtocol;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A gateway's validated configuration, handed from the public builder to the internals. Immutable.
 *
 * @param messageAuth           {@code null} when clients are not asked to authenticate by message
 * @param pingInterval          {@link Duration#ZERO} disables the heartbeat
 * @param ticker                monotonic nanoseconds
 */
public record Settings(GatewayProtocol protocol, Limits limits, int maxJsonDepth,
    double ratePerSecond, int rateBurst, int rateCloseAfter, Duration pingInterval,
    Duration clientTimeout, Duration authTimeout, int maxAuthFailures,
    CredentialsValidator messageAuth, LongSupplier ticker, GatewayListener listener, Gson gson,
    String version, int maxSessionsPerClient, int maxAgents, Duration agentRequestTimeout) {}
