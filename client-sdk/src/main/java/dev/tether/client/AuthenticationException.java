package dev.tether.client;

/** The server refused the auth token. Fatal: the client stops reconnecting and closes. Reason {@link Reason#AUTH_FAILED}. */
public class AuthenticationException extends ClientException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        this(message, null);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(Reason.AUTH_FAILED, message, cause);
    }
}
