package dev.tether.protocol;

/**
 * The kind of a frame, as carried in the header's type byte. Codes are part of the wire contract
 * (see {@code PROTOCOL.md}) and never change meaning.
 */
public enum MessageType {
    /** {@link Hello}: the client opens the session. */
    HELLO(0x01),
    /** {@link Welcome}: the server accepts the session. */
    WELCOME(0x02),
    /** {@link Ping}: either side asks for a pong. */
    PING(0x03),
    /** {@link Pong}: the answer to a ping. */
    PONG(0x04),
    /** {@link Request}: the client asks, the server answers. */
    REQUEST(0x05),
    /** {@link Response}: the server's answer to a request. */
    RESPONSE(0x06),
    /** {@link ErrorMessage}: an error, correlated where it answers something. */
    ERROR(0x07),
    /** {@link Send}: a one-way message from the client. */
    SEND(0x08),
    /** {@link Push}: a message the server sends on its own. */
    PUSH(0x09),
    /** {@link GoAway}: the server is draining. */
    GO_AWAY(0x0A),
    /** {@link Ack}: either side acknowledges the sequenced messages it received (version 2 and later). */
    ACK(0x0B, Protocol.VERSION_2);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int sinceVersion;

    MessageType(int code) {
        this(code, Protocol.VERSION_1);
    }

    MessageType(int code, int sinceVersion) {
        this.code = code;
        this.sinceVersion = sinceVersion;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /** The first protocol version that defines this type: 1, or 2 for {@link #ACK}. */
    public int sinceVersion() {
        return sinceVersion;
    }

    /** Whether a frame of protocol version {@code version} may carry this type. */
    public boolean isDefinedIn(int version) {
        return version >= sinceVersion;
    }

    /**
     * The type for a wire code, or {@code null} if no version this library speaks defines one. Whether the
     * type exists in a given version is {@link #isDefinedIn(int)}.
     */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
