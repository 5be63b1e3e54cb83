package dev.tether.protocol;

/**
 * The kind of a frame, as carried in the header's type byte. Codes are part of the wire contract
 * (see {@code PROTOCOL.md}) and never change meaning.
 */
public enum MessageType {
    HELLO(0x01),
    WELCOME(0x02),
    PING(0x03),
    PONG(0x04),
    REQUEST(0x05),
    RESPONSE(0x06),
    ERROR(0x07),
    SEND(0x08),
    PUSH(0x09),
    GO_AWAY(0x0A);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /** The type for a wire code, or {@code null} if v1 defines none. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
