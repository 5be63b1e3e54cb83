package dev.tether.protocol;

/**
 * The answer to a {@link Ping}.
 *
 * @param timestamp the ping's timestamp, echoed unchanged
 */
public record Pong(long timestamp) implements Message {
    @Override
    public MessageType type() {
        return MessageType.PONG;
    }
}
