package dev.tether.client;

/** The client was closed (by the application or by a fatal error, which is the cause) before the operation could be sent or answered. Reason {@link Reason#CLOSED}. */
public class ClientClosedException extends ClientException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with no cause.
     *
     * @param message what failed, naming the address, frame or value involved
     */
    public ClientClosedException(String message) {
        this(message, null);
    }

    /**
     * An exception with the failure that led to it.
     *
     * @param message what failed, naming the address, frame or value involved
     * @param cause the underlying failure, or {@code null}
     */
    public ClientClosedException(String message, Throwable cause) {
        super(Reason.CLOSED, message, cause);
    }

    /**
     * An exception that may have no stack trace, for one event that fails many operations at once (a close
     * the application asked for, a connection that ended without an error): made once and shared, with
     * neither a stack trace nor suppressed exceptions when {@code writableStackTrace} is {@code false}.
     *
     * @param message what failed, naming the address, frame or value involved
     * @param cause the underlying failure, or {@code null}
     * @param writableStackTrace {@code false} for an exception without stack trace or suppressed exceptions
     */
    protected ClientClosedException(String message, Throwable cause, boolean writableStackTrace) {
        super(Reason.CLOSED, message, cause, writableStackTrace);
    }
}
