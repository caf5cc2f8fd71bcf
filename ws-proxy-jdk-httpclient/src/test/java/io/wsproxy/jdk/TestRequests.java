package io.wsproxy.jdk;

import io.wsproxy.Headers;
import io.wsproxy.spi.UpstreamRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Upstream requests with test defaults. */
final class TestRequests {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
  static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private TestRequests() {}

  static UpstreamRequest to(URI uri) {
    return new UpstreamRequest(uri, Headers.EMPTY, List.of(), CONNECT_TIMEOUT, MAX_MESSAGE_BYTES,
        CLOSE_TIMEOUT);
  }

  static UpstreamRequest withMaxMessage(URI uri, int maxMessageBytes) {
    return new UpstreamRequest(uri, Headers.EMPTY, List.of(), CONNECT_TIMEOUT, maxMessageBytes,
        CLOSE_TIMEOUT);
  }

  static UpstreamRequest withSubprotocols(URI uri, String... subprotocols) {
    return new UpstreamRequest(uri, Headers.EMPTY, List.of(subprotocols), CONNECT_TIMEOUT,
        MAX_MESSAGE_BYTES, CLOSE_TIMEOUT);
  }

  static UpstreamRequest withHeaders(URI uri, Headers headers) {
    return new UpstreamRequest(uri, headers, List.of(), CONNECT_TIMEOUT, MAX_MESSAGE_BYTES,
        CLOSE_TIMEOUT);
  }

  static UpstreamRequest withTimeouts(URI uri, Duration connectTimeout, Duration closeTimeout) {
    return new UpstreamRequest(uri, Headers.EMPTY, List.of(), connectTimeout, MAX_MESSAGE_BYTES,
        closeTimeout);
  }
}
