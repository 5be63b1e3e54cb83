package dev.tether.client;

import dev.tether.protocol.ErrorCode;

/**
 * The server answered a request with an ERROR frame. {@link #reason()} is {@link Reason#DRAINING} when the
 * code is {@link ErrorCode#DRAINING} (the request was not processed) and {@link Reason#SERVER_ERROR} otherwise.
 */
public class ServerErrorException extends ClientException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String text;

    public ServerErrorException(int code, String text) {
        super(ErrorCode.fromCode(code) == ErrorCode.DRAINING ? Reason.DRAINING : Reason.SERVER_ERROR,
                "server error " + ErrorCode.fromCode(code) + " (" + code + "): " + text, null);
        this.code = code;
        this.text = text;
    }

    /** The 16-bit error code as sent. */
    public int code() {
        return code;
    }

    /** The code as an enum; {@link ErrorCode#UNKNOWN} for a code this version does not know. */
    public ErrorCode errorCode() {
        return ErrorCode.fromCode(code);
    }

    /** The server's explanation (may be empty). */
    public String text() {
        return text;
    }
}
