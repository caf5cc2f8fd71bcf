package io.wsproxy;

/** Which way a relayed message travels. */
public enum Direction {
  CLIENT_TO_UPSTREAM,
  UPSTREAM_TO_CLIENT
}
