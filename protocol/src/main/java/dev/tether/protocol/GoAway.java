package dev.tether.protocol;

/**
 * The server is draining: send no new requests on this connection, let those in flight finish, then
 * reconnect (preferably elsewhere) after the hinted delay.
 *
 * @param reconnectAfterMillis how long to wait before reconnecting, in milliseconds
 * @param reason a human-readable reason (may be empty)
 */
public record GoAway(long reconnectAfterMillis, String reason) implements Message {
    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it)
     * @throws NullPointerException if a required field is null
     */
    public GoAway {
        Fields.u32("reconnectAfterMillis", reconnectAfterMillis);
        Fields.string("reason", reason);
    }

    @Override
    public MessageType type() {
        return MessageType.GO_AWAY;
    }
}
