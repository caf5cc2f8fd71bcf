package io.wsproxy.javawebsocket;

/** A close as a test listener or client saw it. */
record CloseEvent(int code, String reason, boolean remote) {}
