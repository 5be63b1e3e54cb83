package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A one-way message from client to server: no answer is sent.
 *
 * @param sequence the client's sequence number for this message in its session, in [0, 2^63-1], or
 *     {@link #NO_SEQUENCE}: set on every send of a connection with session resumption on, on none otherwise; the
 *     server delivers each sequence once and in order, and acknowledges it with an {@link Ack}
 *     ({@code PROTOCOL.md} §13)
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
