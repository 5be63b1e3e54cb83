package dev.tether.client;

/** The connection dropped while the operation was in flight. Reason {@link Reason#CONNECTION_LOST}: the server may or may not have processed it. */
public class ConnectionLostException extends ClientException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with no cause.
     *
     * @param message what failed, naming the address, frame or value involved
     */
    public ConnectionLostException(String message) {
        this(message, null);
    }

    /**
     * An exception with the failure that led to it.
     *
     * @param message what failed, naming the address, frame or value involved
     * @param cause the underlying failure, or {@code null}
     */
    public ConnectionLostException(String message, Throwable cause) {
        super(Reason.CONNECTION_LOST, message, cause);
    }
}
