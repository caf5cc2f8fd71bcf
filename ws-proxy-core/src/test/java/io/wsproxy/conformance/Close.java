package io.wsproxy.conformance;

/**
 * A close as one test peer saw it.
 *
 * @param code   the close code received ({@code 1006} when the connection dropped without one)
 * @param reason the close reason, or a description of the error that ended the connection
 * @param remote whether the other side started the close
 */
public record Close(int code, String reason, boolean remote) {}
