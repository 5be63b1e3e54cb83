package dev.tether.server;

import dev.tether.protocol.ErrorCode;
import java.util.Objects;

/**
 * Fails a request with an error code of the application's choice: complete the stage returned by
 * {@link ServerHandler#onRequest} exceptionally with it (or throw it there), and the client gets ERROR
 * {@code code} with {@code text}, correlated to its request; the connection stays open. The SDK reports it
 * as a {@code ServerErrorException} carrying the code.
 *
 * <p>It carries no stack trace: it is an answer, not a bug, and may be created for every request.
 */
public final class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * @param code the code sent, usually {@link ErrorCode#APPLICATION_ERROR}; {@link ErrorCode#UNKNOWN} is refused
     * @param text the text sent with it (shown to the client's user: no secrets)
     */
    public RequestException(ErrorCode code, String text) {
        super(Objects.requireNonNull(text, "text"), null, false, false);
        Objects.requireNonNull(code, "code");
        if (code == ErrorCode.UNKNOWN) {
            throw new IllegalArgumentException("code must be one the protocol defines, not UNKNOWN");
        }
        this.code = code;
    }

    /** An {@link ErrorCode#APPLICATION_ERROR} with {@code text}. */
    public static RequestException applicationError(String text) {
        return new RequestException(ErrorCode.APPLICATION_ERROR, text);
    }

    /** The code sent to the client. */
    public ErrorCode code() {
        return code;
    }
}
