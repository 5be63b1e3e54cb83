package dev.tether.client;

/** No connection could be established: every attempt the client was allowed to make failed. Reason {@link Reason#CONNECT_FAILED}. */
public class ConnectFailedException extends ClientException {
    private static final long serialVersionUID = 1L;

    public ConnectFailedException(String message) {
        this(message, null);
    }

    public ConnectFailedException(String message, Throwable cause) {
        super(Reason.CONNECT_FAILED, message, cause);
    }
}
