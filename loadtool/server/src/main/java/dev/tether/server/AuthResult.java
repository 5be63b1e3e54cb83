package dev.tether.server;

import java.util.Objects;

/**
 * What an {@link Authenticator} decided about a hello: accepted, with the principal the session carries
 * from then on ({@link ServerSession#principal()}), or refused, with the text the client sees beside
 * {@code AUTH_FAILED}.
 */
public final class AuthResult {
    private final boolean accepted;
    private final String principal;
    private final String reason;

    private AuthResult(boolean accepted, String principal, String reason) {
        this.accepted = accepted;
        this.principal = principal;
        this.reason = reason;
    }

    /** Accepts the hello; {@code principal} names who the client is (e.g. a user id) and must not be null. */
    public static AuthResult accept(String principal) {
        return new AuthResult(true, Objects.requireNonNull(principal, "principal"), null);
    }

    /**
     * Refuses the hello: the client gets ERROR {@code AUTH_FAILED} with {@code reason} and the connection closes.
     * The SDK treats it as fatal and does not retry; repeated refusals from one address are answered later and
     * later, so guessing is slow. The reason is shown to the client: say what is wrong, never what would be right.
     */
    public static AuthResult refuse(String reason) {
        return new AuthResult(false, null, Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the hello was accepted. */
    public boolean accepted() {
        return accepted;
    }

    /** Who the client is, if accepted; otherwise null. */
    public String principal() {
        return principal;
    }

    /** Why the hello was refused, if refused; otherwise null. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return accepted ? "accepted as " + principal : "refused: " + reason;
    }
}
