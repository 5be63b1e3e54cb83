package dev.tether.client;

/**
 * What happens to the sends the server had not acknowledged when a session could not be resumed (the server
 * restarted and lost its state, the session expired, or the server no longer offers resumption). Set with
 * {@link ClientConfig.Builder#unacknowledgedSends(UnacknowledgedSends)}; the {@link SessionLoss} event and
 * {@link ClientStats} count what was done.
 */
public enum UnacknowledgedSends {
    /**
     * Send them again on the new session, in their order and before any newer send (the default). Delivery is
     * then at least once: the old server may have received some of them before it lost the session, so they
     * may arrive twice. Counted in {@link ClientStats#sendsResentAfterSessionLoss()} and
     * {@link SessionLoss#sendsResent()}.
     */
    RESEND,
    /**
     * Fail their futures with a {@link SessionLostException}: the application decides whether each one is safe
     * to send again (the server may or may not have processed it). Counted in
     * {@link ClientStats#sendsFailedOnSessionLoss()} and {@link SessionLoss#sendsFailed()}.
     */
    FAIL
}
