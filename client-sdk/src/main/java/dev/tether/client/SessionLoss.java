package dev.tether.client;

/**
 * What a client could not carry across a reconnect, told once per occurrence to the
 * {@link TetherClient.Builder#onSessionLoss(SessionLossListener) session-loss listener}, and carried (inside a
 * {@link SessionLostException}) as the {@link StateChange#cause() cause} of the change to
 * {@link ConnectionState#CONNECTED} that follows it.
 *
 * <p>With session resumption ({@link Resumption#ON}) a reconnect normally loses nothing: the client presents
 * its session's resume token, the server says which sends it received and replays the pushes the client
 * missed. This event says when that did not work, and what it cost:
 * <ul>
 *   <li>{@link Kind#NOT_RESUMED}: the server did not know the session any more (it restarted, or the session
 *       expired) and started a new one. Pushes sent in between are lost, how many is unknown
 *       ({@link #pushesMissing()} is {@link #UNKNOWN}); the unacknowledged sends were re-sent or failed, as
 *       {@link ClientConfig#unacknowledgedSends()} says.</li>
 *   <li>{@link Kind#NOT_OFFERED}: the server no longer offers resumption (it was replaced by a version 1
 *       server, or resumption was turned off on it). As for {@code NOT_RESUMED}; from now on the client works
 *       without resumption.</li>
 *   <li>{@link Kind#PUSHES_LOST}: the session was resumed, but some pushes had already left the server's
 *       bounded replay window; {@link #pushesMissing()} says how many. No send was affected.</li>
 * </ul>
 *
 * @param kind what happened
 * @param previousSessionId the session id before the reconnect
 * @param sessionId the session id now (the same as {@code previousSessionId} for {@link Kind#PUSHES_LOST})
 * @param pushesMissing how many pushes of the old session the application will never see, or {@link #UNKNOWN}
 *     when the server cannot know (a session it forgot)
 * @param sendsResent unacknowledged sends sent again on the new session ({@link UnacknowledgedSends#RESEND}):
 *     each may reach the server twice
 * @param sendsFailed unacknowledged sends whose futures failed with {@link SessionLostException}
 *     ({@link UnacknowledgedSends#FAIL})
 */
public record SessionLoss(Kind kind, String previousSessionId, String sessionId, long pushesMissing, long sendsResent,
                          long sendsFailed) {
    /** {@link #pushesMissing()} when the number of lost pushes is not known. */
    public static final long UNKNOWN = -1;

    /** What could not be carried across the reconnect. */
    public enum Kind {
        /** The server started a new session instead of resuming the old one (it restarted, or the session expired). */
        NOT_RESUMED,
        /** The server no longer offers resumption; the old session is gone and the client continues without it. */
        NOT_OFFERED,
        /** The session was resumed, but pushes that had left the server's replay window are lost. */
        PUSHES_LOST
    }

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code kind} is null
     * @throws IllegalArgumentException if a count is negative (other than {@link #UNKNOWN} pushes)
     */
    public SessionLoss {
        java.util.Objects.requireNonNull(kind, "kind");
        if (pushesMissing < UNKNOWN || sendsResent < 0 || sendsFailed < 0) {
            throw new IllegalArgumentException("counts must be >= 0 (pushesMissing may be UNKNOWN): pushesMissing="
                    + pushesMissing + ", sendsResent=" + sendsResent + ", sendsFailed=" + sendsFailed);
        }
    }

    /** One line for a log, with every number. */
    public String describe() {
        String pushes = pushesMissing == UNKNOWN ? "an unknown number of pushes" : pushesMissing + " push(es)";
        return switch (kind) {
            case PUSHES_LOST -> "session " + sessionId + " resumed, but " + pushes + " had left the server's replay window";
            case NOT_RESUMED -> "session " + previousSessionId + " was not resumed (new session " + sessionId + "): "
                    + pushes + " lost, " + sendsResent + " unacknowledged send(s) resent, " + sendsFailed + " failed";
            case NOT_OFFERED -> "session " + previousSessionId + " ended: the server no longer offers resumption (session "
                    + sessionId + "): " + pushes + " lost, " + sendsResent + " unacknowledged send(s) resent, "
                    + sendsFailed + " failed";
        };
    }
}
