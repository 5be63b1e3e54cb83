package dev.tether.client;

import java.util.Objects;

/**
 * A session could not be resumed, or lost pushes, on a reconnect (reason {@link Reason#SESSION_LOST}). It fails
 * the futures of unacknowledged sends under {@link UnacknowledgedSends#FAIL}, and is the cause of the
 * {@link StateChange} to {@link ConnectionState#CONNECTED} after any {@link SessionLoss}. Not retry-safe in
 * general: a failed send may or may not have reached the old session's server; the application decides.
 */
public class SessionLostException extends ClientException {
    private static final long serialVersionUID = 1L;

    private final transient SessionLoss loss;

    /**
     * An exception for {@code loss}, with its {@link SessionLoss#describe() description} as the message.
     *
     * @param loss what was lost, with the numbers
     */
    public SessionLostException(SessionLoss loss) {
        super(Reason.SESSION_LOST, Objects.requireNonNull(loss, "loss").describe(), null);
        this.loss = loss;
    }

    /** What was lost, with the numbers; {@code null} only after deserialization. */
    public SessionLoss loss() {
        return loss;
    }
}
