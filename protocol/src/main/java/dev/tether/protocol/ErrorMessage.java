package dev.tether.protocol;

/**
 * An error, either in answer to one request ({@code id != 0}: the connection stays open) or about
 * the connection as a whole ({@code id == 0}: the sender closes the connection after it).
 *
 * @param id the id of the request this answers, or 0 if it answers none
 * @param code the 16-bit error code; see {@link ErrorCode} (unknown codes are kept as they are)
 * @param text a human-readable explanation (UTF-8, may be empty)
 */
public record ErrorMessage(long id, int code, String text) implements Message {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if the code is outside [0, 65535], or the text has no UTF-8 form or is
     *     longer than 65535 UTF-8 bytes
     * @throws NullPointerException if the text is null
     */
    public ErrorMessage {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("error code must be in [0, 65535]: " + code);
        }
        Fields.string("text", text);
    }

    /**
     * An error with a code this version defines.
     *
     * @param id the correlation id of what this answers, or 0
     * @param code the error code
     * @param text a human-readable explanation (may be empty)
     */
    public ErrorMessage(long id, ErrorCode code, String text) {
        this(id, code.code(), text);
    }

    /** The code as an enum; {@link ErrorCode#UNKNOWN} for a code this version does not define. */
    public ErrorCode errorCode() {
        return ErrorCode.fromCode(code);
    }

    @Override
    public MessageType type() {
        return MessageType.ERROR;
    }

    @Override
    public long correlationId() {
        return id;
    }
}
