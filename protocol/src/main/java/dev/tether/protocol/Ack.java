package dev.tether.protocol;

/**
 * A cumulative acknowledgement, either direction, protocol version 2 and later: the sender has received
 * every sequenced message of the session with a sequence below {@link #sequence()}, the sequence it expects
 * next. From the client it covers the {@link Push}es it received; from the server the {@link Send}s it received
 * and handed to its application. An ack covers everything before it, so a receiver sends at most one per read
 * batch, never one per message ({@code PROTOCOL.md} §13).
 *
 * <p>Encoding an ack in a version-1 frame throws {@link IllegalArgumentException}; a version-1 frame with its
 * type code is {@link ProtocolException.Code#UNKNOWN_TYPE}.
 *
 * @param sequence the next sequence the sender expects: every message below it was received; in
 *     [0, 2^63-1]
 */
public record Ack(long sequence) implements Message {

    /**
     * Checks the field.
     *
     * @throws IllegalArgumentException if {@code sequence} is negative
     */
    public Ack {
        Fields.u63("sequence", sequence);
    }

    @Override
    public MessageType type() {
        return MessageType.ACK;
    }
}
