package dev.tether.client;

/** The connection dropped while the operation was in flight. Reason {@link Reason#CONNECTION_LOST}: the server may or may not have processed it. */
public class ConnectionLostException extends ClientException {
    private static final long serialVersionUID = 1L;

    public ConnectionLostException(String message) {
        this(message, null);
    }

    public ConnectionLostException(String message, Throwable cause) {
        super(Reason.CONNECTION_LOST, message, cause);
    }
}
