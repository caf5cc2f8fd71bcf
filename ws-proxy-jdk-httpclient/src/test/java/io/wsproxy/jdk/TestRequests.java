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

  private TestRequests() {}

  static UpstreamRequest.Builder builder(URI uri) {
    return UpstreamRequest.builder(uri).connectTimeout(CONNECT_TIMEOUT).closeTimeout(CLOSE_TIMEOUT);
  }

  static UpstreamRequest to(URI uri) {
    return builder(uri).build();
  }

  static UpstreamRequest withMaxMessage(URI uri, int maxMessageBytes) {
    return builder(uri).maxMessageSize(maxMessageBytes).build();
  }

  static UpstreamRequest withSubprotocols(URI uri, String... subprotocols) {
    return builder(uri).subprotocols(List.of(subprotocols)).build();
  }

  static UpstreamRequest withHeaders(URI uri, Headers headers) {
    return builder(uri).headers(headers).build();
  }

  static UpstreamRequest withTimeouts(URI uri, Duration connectTimeout, Duration closeTimeout) {
    return builder(uri).connectTimeout(connectTimeout).closeTimeout(closeTimeout).build();
  }
}
