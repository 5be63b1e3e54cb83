package dev.tether.client;

/**
 * The server refused the auth token, or (with TLS) the client certificate or the lack of one (see
 * {@link TlsOptions}). Fatal: the client stops reconnecting and closes. Reason {@link Reason#AUTH_FAILED}.
 */
public class AuthenticationException extends ClientException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with no cause.
     *
     * @param message what failed, naming the address, frame or value involved
     */
    public AuthenticationException(String message) {
        this(message, null);
    }

    /**
     * An exception with the failure that led to it.
     *
     * @param message what failed, naming the address, frame or value involved
     * @param cause the underlying failure, or {@code null}
     */
    public AuthenticationException(String message, Throwable cause) {
        super(Reason.AUTH_FAILED, message, cause);
    }
}
