package dev.tether.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message the server pushed to this client, as {@link PushListener#onPush} receives it. The SDK's own
 * type rather than the protocol's frame, so that the wire may change without changing what applications
 * compile against.
 */
public final class ServerPush {
    /** {@link #serverTimestampMicros()} of a push the server did not timestamp. */
    public static final long NO_TIMESTAMP = -1L;
    /** {@link #sequence()} of a push without a sequence number. */
    public static final long NO_SEQUENCE = -1L;

    private final byte[] payload;
    private final String topic;
    private final long serverTimestampMicros;
    private final long sequence;

    /** A push without a sequence number. */
    public ServerPush(byte[] payload, String topic, long serverTimestampMicros) {
        this(payload, topic, serverTimestampMicros, NO_SEQUENCE);
    }

    /**
     * @param payload the application's bytes (not copied)
     * @param topic the topic it was published on, or {@code null}
     * @param serverTimestampMicros the server's wall-clock send time in microseconds since the Unix epoch, or
     *     {@link #NO_TIMESTAMP}
     * @param sequence the server's sequence number of the push, or {@link #NO_SEQUENCE}
     */
    public ServerPush(byte[] payload, String topic, long serverTimestampMicros, long sequence) {
        this.payload = Objects.requireNonNull(payload, "payload");
        this.topic = topic;
        if (serverTimestampMicros < 0 && serverTimestampMicros != NO_TIMESTAMP) {
            throw new IllegalArgumentException("serverTimestampMicros must be >= 0 or NO_TIMESTAMP: " + serverTimestampMicros);
        }
        this.serverTimestampMicros = serverTimestampMicros;
        if (sequence < 0 && sequence != NO_SEQUENCE) {
            throw new IllegalArgumentException("sequence must be >= 0 or NO_SEQUENCE: " + sequence);
        }
        this.sequence = sequence;
    }

    /** The application's bytes. The array is the one received, not a copy: do not change it if others read it. */
    public byte[] payload() {
        return payload;
    }

    /** The topic the push was published on, or {@code null} when it has none. */
    public String topic() {
        return topic;
    }

    /**
     * When the server sent it: wall-clock microseconds since the Unix epoch, or {@link #NO_TIMESTAMP}. With
     * synchronised clocks, now minus this is the push latency.
     */
    public long serverTimestampMicros() {
        return serverTimestampMicros;
    }

    /**
     * The push's number in its session (from 0, one more per push) when session resumption is on, by which the
     * client drops pushes it received twice across a reconnect; {@link #NO_SEQUENCE} without resumption.
     */
    public long sequence() {
        return sequence;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerPush p && Objects.equals(topic, p.topic) && serverTimestampMicros == p.serverTimestampMicros
                && sequence == p.sequence && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, serverTimestampMicros, sequence, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "ServerPush[topic=" + topic + ", serverTimestampMicros=" + serverTimestampMicros + ", sequence=" + sequence
                + ", " + payload.length + " bytes]";
    }
}
