package dev.tether.protocol;

/**
 * A heartbeat. The receiver answers with a {@link Pong} carrying the same timestamp, so the sender
 * can measure round-trip time against its own clock.
 *
 * @param timestamp an opaque value chosen by the sender, typically its monotonic clock in nanoseconds
 */
public record Ping(long timestamp) implements Message {
    @Override
    public MessageType type() {
        return MessageType.PING;
    }
}
