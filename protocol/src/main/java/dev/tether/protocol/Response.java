package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The successful answer to the {@link Request} with the same id.
 *
 * @param id the id of the request answered; never 0
 * @param payload the application's bytes (not copied)
 */
public record Response(long id, byte[] payload) implements Message {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it)
     * @throws NullPointerException if a required field is null
     */
    public Response {
        if (id == 0) {
            throw new IllegalArgumentException("response id must not be 0 (0 means 'no request')");
        }
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public MessageType type() {
        return MessageType.RESPONSE;
    }

    @Override
    public long correlationId() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Response r && id == r.id && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Response[id=" + Long.toUnsignedString(id) + ", payload=" + Fields.preview(payload) + "]";
    }
}
