package io.wsproxy.gateway;

import java.time.Duration;

/**
 * Counters of a {@link Gateway} since it was built: what the built-in {@code stats} method answers.
 *
 * @param uptime       time since the gateway was built (monotonic)
 * @param clients      connected clients
 * @param sessions     live sessions
 * @param agentsOnline registered agents whose connection is open
 * @param messagesIn   text and binary messages received from clients
 * @param messagesOut  messages sent to clients (replies, errors and events)
 * @param errors       error replies sent
 * @param rateLimited  messages refused by the rate limit
 */
public record GatewayStats(Duration uptime, int clients, int sessions, int agentsOnline,
    long messagesIn, long messagesOut, long errors, long rateLimited) {}
