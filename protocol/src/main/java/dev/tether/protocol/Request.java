package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A request that expects exactly one {@link Response} or {@link ErrorMessage} with the same id.
 *
 * @param id the correlation id, unique among the sender's requests in flight; never 0
 * @param payload the application's bytes (not copied)
 */
public record Request(long id, byte[] payload) implements Message {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it)
     * @throws NullPointerException if a required field is null
     */
    public Request {
        if (id == 0) {
            throw new IllegalArgumentException("request id must not be 0 (0 means 'no request')");
        }
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public MessageType type() {
        return MessageType.REQUEST;
    }

    @Override
    public long correlationId() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Request r && id == r.id && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Request[id=" + Long.toUnsignedString(id) + ", payload=" + Fields.preview(payload) + "]";
    }
}
