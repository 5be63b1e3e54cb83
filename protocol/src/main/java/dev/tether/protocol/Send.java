package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A one-way message from client to server: no answer is sent.
 *
 * @param sequence the sender's sequence number for this message, or {@link #NO_SEQUENCE}; reserved for
 *     de-duplication when sessions are resumed after a reconnect
 * @param payload the application's bytes (not copied)
 */
public record Send(long sequence, byte[] payload) implements Message {
    /** The value of {@link #sequence()} when the frame carries none. */
    public static final long NO_SEQUENCE = -1L;

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it)
     * @throws NullPointerException if a required field is null
     */
    public Send {
        Fields.optionalNonNegative("sequence", sequence);
        Objects.requireNonNull(payload, "payload");
    }

    /** A send without a sequence number. */
    public Send(byte[] payload) {
        this(NO_SEQUENCE, payload);
    }

    @Override
    public MessageType type() {
        return MessageType.SEND;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Send s && sequence == s.sequence && Arrays.equals(payload, s.payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Send[sequence=" + sequence + ", payload=" + Fields.preview(payload) + "]";
    }
}
