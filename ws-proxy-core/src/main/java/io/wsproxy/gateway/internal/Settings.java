package io.wsproxy.gateway.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.wsproxy.Limits;
import io.wsproxy.gateway.CredentialsValidator;
import io.wsproxy.gateway.GatewayListener;
import io.wsproxy.gateway.GatewayProtocol;
import io.wsproxy.gateway.Handler;
import io.wsproxy.gateway.agent.AgentProfile;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A gateway's validated configuration, handed from the public builder to the internals. Immutable.
 *
 * @param limits                the gateway's own limits: {@code maxMessageSize} is what it answers
 *                              with -32003 (the transport is given more, see {@code Gateway#limits})
 * @param messageAuth           {@code null} when clients are not asked to authenticate by message
 * @param pingInterval          {@link Duration#ZERO} disables the heartbeat
 * @param ticker                monotonic nanoseconds
 * @param unhandled             the host's handler of unknown methods and types, or {@code null}
 *                              to answer them with -32601
 * @param agentProfile          the agent profile's host SPIs, or {@code null} when it is off
 * @param announceOnConnect     whether a client is sent {@code session_info} as soon as it opens
 * @param maxCallsInFlight      most unanswered calls per client
 * @param maxQueuedBytesPerClient bytes a client may have queued toward it (not yet written to its
 *                              socket) before another message to it drops it as a slow consumer
 */
public record Settings(GatewayProtocol protocol, Limits limits, int maxJsonDepth,
    double ratePerSecond, int rateBurst, int rateCloseAfter, Duration pingInterval,
    Duration clientTimeout, Duration authTimeout, int maxAuthFailures,
    CredentialsValidator messageAuth, LongSupplier ticker, GatewayListener listener, Gson gson,
    String version, int maxSessionsPerClient, int maxAgents, Duration agentRequestTimeout,
    Handler<JsonElement> unhandled, AgentProfile agentProfile, boolean announceOnConnect,
    int maxCallsInFlight, long maxQueuedBytesPerClient) {}
