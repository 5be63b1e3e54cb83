package dev.tether.protocol;

/**
 * Bytes that are not a valid Tether frame of the version the connection speaks. Carries a stable {@link Code} that tests, logs and
 * peers can rely on; the message names the offending value.
 *
 * <p>After a {@code ProtocolException} the byte stream is out of step and cannot be trusted: close
 * the connection (after sending an {@link ErrorMessage} with {@link ErrorCode#PROTOCOL_ERROR} or
 * {@link ErrorCode#FRAME_TOO_LARGE} if you can).
 */
public final class ProtocolException extends Exception {

    /** Why a frame was rejected. Names are stable and appear in {@code vectors.json}. */
    public enum Code {
        /** The length prefix exceeds the configured maximum frame length. */
        FRAME_TOO_LARGE,
        /** The length prefix is smaller than the fixed header. */
        FRAME_TOO_SHORT,
        /** The first bytes are plain HTTP, not a Tether frame. */
        NOT_TETHER_HTTP,
        /** The first bytes are a TLS handshake sent to a plaintext port. */
        NOT_TETHER_TLS,
        /** The magic byte is not {@code 0x54}. */
        BAD_MAGIC,
        /** The header's version byte is not the version the connection speaks. */
        UNSUPPORTED_VERSION,
        /** The header's type byte names no message type of the frame's version ({@code ACK} in version 1). */
        UNKNOWN_TYPE,
        /** A flag bit is set that this message type does not define in the frame's version. */
        UNKNOWN_FLAGS,
        /** A field runs past the end of its frame. */
        TRUNCATED_FIELD,
        /**
         * A field's value is out of its allowed range: a zero request/response id, a non-zero
         * correlation id on a type that has none, a version of 0, a sequence, count or timestamp of 2^63
         * or more, a string that is not well-formed UTF-8; in version 2, a welcome that announces another
         * version than its frame's, or is resumed without a resume token.
         */
        INVALID_FIELD,
        /** Bytes are left over after the last field of a message that has no payload. */
        TRAILING_BYTES
    }

    /** The stable reason code. */
    private final Code code;

    /**
     * A protocol error.
     *
     * @param code the stable reason code
     * @param message what was wrong, naming the field or value; the code is prefixed to it
     */
    public ProtocolException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The stable reason code. */
    public Code code() {
        return code;
    }

    /**
     * The code of the {@link ErrorMessage} (id 0) to send the peer before closing the connection:
     * {@link ErrorCode#FRAME_TOO_LARGE} and {@link ErrorCode#UNSUPPORTED_VERSION} for those two
     * reasons, {@link ErrorCode#PROTOCOL_ERROR} for every other.
     */
    public ErrorCode errorCode() {
        switch (code) {
            case FRAME_TOO_LARGE:
                return ErrorCode.FRAME_TOO_LARGE;
            case UNSUPPORTED_VERSION:
                return ErrorCode.UNSUPPORTED_VERSION;
            default:
                return ErrorCode.PROTOCOL_ERROR;
        }
    }
}
