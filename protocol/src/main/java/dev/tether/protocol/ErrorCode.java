package dev.tether.protocol;

/**
 * Codes carried by an {@link ErrorMessage} frame (a 16-bit unsigned field on the wire). A receiver
 * that meets a code it does not know treats it as {@link #UNKNOWN}; new codes may be added in any
 * version.
 */
public enum ErrorCode {
    /** A code this implementation does not know. Never sent. */
    UNKNOWN(0, false),
    /** The peer broke the protocol (malformed frame, unexpected message); the connection closes. */
    PROTOCOL_ERROR(1, false),
    /** The hello's auth token was missing or wrong; the connection closes. Retrying will not help. */
    AUTH_FAILED(2, true),
    /** No protocol version both sides speak; the connection closes. Retrying will not help. */
    UNSUPPORTED_VERSION(3, true),
    /** The server is at its connection limit; the connection closes. Retry later. */
    SERVER_FULL(4, false),
    /** No hello arrived within the server's handshake timeout; the connection closes. */
    HANDSHAKE_TIMEOUT(5, false),
    /** A frame exceeded the announced maximum frame size; the connection closes. */
    FRAME_TOO_LARGE(6, false),
    /** The application failed to serve this request; the connection stays open. */
    APPLICATION_ERROR(7, false),
    /** The peer did not read what was sent to it fast enough; the connection closes. */
    SLOW_CONSUMER(8, false),
    /** A request or send arrived before the handshake completed; the connection closes. */
    NOT_READY(9, false),
    /** The server is draining and no longer serves new requests on this connection. */
    DRAINING(10, false),
    /** The connection was idle for longer than the server allows; the connection closes. */
    IDLE_TIMEOUT(11, false),
    /**
     * The server refuses the hello for now (over its handshake-rate limit), after a {@code GO_AWAY} whose
     * {@code reconnectAfterMillis} says when to come back; the connection closes. Retry after that hint.
     */
    SERVER_BUSY(12, false);

    private final int code;
    private final boolean fatal;

    ErrorCode(int code, boolean fatal) {
        this.code = code;
        this.fatal = fatal;
    }

    /** The 16-bit value on the wire. */
    public int code() {
        return code;
    }

    /**
     * Whether a client should stop reconnecting on this error: retrying the same connection with the
     * same settings cannot succeed.
     */
    public boolean fatal() {
        return fatal;
    }

    /** The code for a wire value; {@link #UNKNOWN} for any value this version does not define. */
    public static ErrorCode fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }

    private static final ErrorCode[] BY_CODE = values(); // ordinal == code, checked by ErrorCodeTest
}
