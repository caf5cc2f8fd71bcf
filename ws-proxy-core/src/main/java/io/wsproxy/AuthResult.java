package io.wsproxy;

/** What an {@link AuthValidator} decides: a {@link Principal}, or a {@link Rejection}. */
public sealed interface AuthResult permits Principal, Rejection {}
