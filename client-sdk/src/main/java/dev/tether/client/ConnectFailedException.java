package dev.tether.client;

/** No connection could be established: every attempt the client was allowed to make failed. Reason {@link Reason#CONNECT_FAILED}. */
public class ConnectFailedException extends ClientException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with no cause.
     *
     * @param message what failed, naming the address, frame or value involved
     */
    public ConnectFailedException(String message) {
        this(message, null);
    }

    /**
     * An exception with the failure that led to it.
     *
     * @param message what failed, naming the address, frame or value involved
     * @param cause the underlying failure, or {@code null}
     */
    public ConnectFailedException(String message, Throwable cause) {
        super(Reason.CONNECT_FAILED, message, cause);
    }
}
