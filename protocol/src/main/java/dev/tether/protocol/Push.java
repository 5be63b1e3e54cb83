package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A one-way message from server to client.
 *
 * @param topic the topic it was published on, or {@code null} for none
 * @param timestampMicros the server's wall-clock send time in microseconds since the Unix epoch, or
 *     {@link #NO_TIMESTAMP}; lets a receiver on a synchronised clock measure push latency
 * @param sequence the server's sequence number for this push in its session, in [0, 2^63-1], or
 *     {@link #NO_SEQUENCE}: set on every push of a connection with session resumption on, on none otherwise; a
 *     replayed push keeps its sequence, so the client drops the ones it has ({@code PROTOCOL.md} §13)
 * @param payload the application's bytes (not copied)
 */
public record Push(String topic, long timestampMicros, long sequence, byte[] payload) implements Message {
    /** The value of {@link #timestampMicros()} when the server sent none. */
    public static final long NO_TIMESTAMP = -1L;
    /** The value of {@link #sequence()} when the frame carries none. */
    public static final long NO_SEQUENCE = -1L;

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it)
     * @throws NullPointerException if a required field is null
     */
    public Push {
        Fields.optionalString("topic", topic);
        Fields.optionalNonNegative("timestampMicros", timestampMicros);
        Fields.optionalNonNegative("sequence", sequence);
        Objects.requireNonNull(payload, "payload");
    }

    /** A push with only a payload. */
    public Push(byte[] payload) {
        this(null, NO_TIMESTAMP, NO_SEQUENCE, payload);
    }

    @Override
    public MessageType type() {
        return MessageType.PUSH;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Push p && Objects.equals(topic, p.topic) && timestampMicros == p.timestampMicros
                && sequence == p.sequence && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, timestampMicros, sequence, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Push[topic=" + topic + ", timestampMicros=" + timestampMicros + ", sequence=" + sequence
                + ", payload=" + Fields.preview(payload) + "]";
    }
}
