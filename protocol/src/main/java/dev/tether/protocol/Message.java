package dev.tether.protocol;

/**
 * One Tether message: the decoded form of one frame. Every message is an immutable value;
 * messages that carry bytes copy nothing on the way in or out, so do not modify an array after
 * handing it to a message.
 */
public sealed interface Message
        permits Hello, Welcome, Ping, Pong, Request, Response, ErrorMessage, Send, Push, GoAway, Ack {

    /** The frame type this message is carried in. */
    MessageType type();

    /**
     * The header's correlation id: the request id for {@link Request}, {@link Response} and
     * {@link ErrorMessage}; 0 for every other type.
     */
    default long correlationId() {
        return 0L;
    }
}
